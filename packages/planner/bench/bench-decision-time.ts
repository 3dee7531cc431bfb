import { createRandom } from "../src/random/seeded-random.ts";
import { selectGpusWith } from "../src/select/select-gpus.ts";
import type { TCapacityPool, TMarket, TWorkload } from "../src/types.ts";

// Decision time on realistic instances: 20 pools over 10 GPU types and 3 markets, TP 1/2/4/8,
// colocated or prefill/decode roles. Goals: CPU p99 < 50 ms colocated, < 100 ms with roles.

type TTimings = {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  cpuP50Ms: number;
  cpuP99Ms: number;
  instances: number;
  feasible: number;
};

export type TDecisionTimeBenchmark = { markdown: string; colocated: TTimings; disaggregated: TTimings };

const GPUS: [string, number][] = [
  ["A10G", 1.0],
  ["L4", 0.8],
  ["L40S", 1.9],
  ["A100-40GB", 4.1],
  ["A100-80GB", 5.1],
  ["H100-SXM", 6.9],
  ["H100-PCIe", 4.8],
  ["H200", 10.6],
  ["B200", 14],
  ["MI300X", 5.5],
];
const MARKETS: [TMarket, number][] = [
  ["on-demand", 1],
  ["spot", 0.4],
  ["serverless", 0.75],
];
const MODELS = [
  "llama-3.1-8b",
  "llama-3.1-70b",
  "qwen2.5-72b",
  "mixtral-8x7b",
  "qwen3-32b",
  "llama-3.1-405b",
  "deepseek-v3",
];

function realisticInstance(seed: number): { workload: TWorkload; pools: TCapacityPool[] } {
  const r = createRandom(seed);
  const pools = Array.from({ length: 20 }, (_, i): TCapacityPool => {
    const [gpuType, price] = GPUS[i % GPUS.length] as [string, number];
    const [market, factor] = MARKETS[r.int(0, MARKETS.length - 1)] as [TMarket, number];
    return {
      id: `pool-${i}`,
      gpuType,
      market,
      available: 8 * r.int(1, 8),
      pricePerGpuHour: Math.round(price * factor * r.uniform(0.85, 1.15) * 100) / 100,
    };
  });
  const model = MODELS[r.int(0, MODELS.length - 1)] as string;
  const avgInputTokens = r.int(200, 4000);
  const avgOutputTokens = r.int(50, 800);
  const workload: TWorkload =
    r.next() < 0.5
      ? {
          kind: "batch",
          model,
          avgInputTokens,
          avgOutputTokens,
          requests: r.int(1_000, 2_000_000),
          deadlineHours: r.uniform(0.5, 24),
        }
      : {
          kind: "online",
          model,
          avgInputTokens,
          avgOutputTokens,
          requestsPerSecond: r.uniform(0.5, 200),
          ttftP95Ms: r.uniform(500, 5000),
          tpotP95Ms: r.uniform(30, 150),
        };
  return { workload, pools };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
}

async function timeSelection(instances: number, allowDisaggregation: boolean): Promise<TTimings> {
  // Warm the JIT so the figures describe a running service.
  for (let seed = 0; seed < 20; seed += 1) {
    const { workload, pools } = realisticInstance(1_000_000 + seed);
    selectGpusWith(workload, { pools }, { allowDisaggregation });
  }
  const times: number[] = [];
  const cpu: number[] = [];
  let feasible = 0;
  for (let seed = 0; seed < instances; seed += 1) {
    const { workload, pools } = realisticInstance(seed);
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const plan = selectGpusWith(workload, { pools }, { allowDisaggregation });
    const used = process.cpuUsage(cpuStart);
    times.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
    if (plan.feasible) feasible += 1;
  }
  const sorted = [...times].sort((a, b) => a - b);
  const cpuSorted = [...cpu].sort((a, b) => a - b);
  return {
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? 0,
    cpuP50Ms: percentile(cpuSorted, 0.5),
    cpuP99Ms: percentile(cpuSorted, 0.99),
    instances,
    feasible,
  };
}

/**
 * Capacity a tenant's agents may report (the heartbeat allows 500 pools of up to 1,000,000 GPUs):
 * one plan on it must not hold the process that serves every tenant. Pools of one GPU type at
 * nearly the same price are the hardest case for the search's bounds.
 */
function adversarialCases(): { label: string; workload: TWorkload; pools: TCapacityPool[] }[] {
  const pools = (sameType: boolean): TCapacityPool[] =>
    Array.from({ length: 500 }, (_, i) => ({
      id: `pool-${i}`,
      gpuType: sameType ? "H100-SXM" : (GPUS[i % GPUS.length] as [string, number])[0],
      market: i % 2 ? "spot" : "on-demand",
      available: 1_000_000,
      pricePerGpuHour: sameType ? 1 + (i % 7) * 0.01 : 0.3 + (i % 13) * 0.17,
    }));
  const batch = (requests: number, maxGpus?: number): TWorkload => ({
    kind: "batch",
    model: "llama-3.1-8b",
    requests,
    avgInputTokens: 100,
    avgOutputTokens: 100,
    deadlineHours: 24,
    ...(maxGpus === undefined ? {} : { maxGpus }),
  });
  const online: TWorkload = {
    kind: "online",
    model: "llama-3.1-8b",
    requestsPerSecond: 100_000,
    avgInputTokens: 100,
    avgOutputTokens: 100,
    ttftP95Ms: 500,
    tpotP95Ms: 50,
  };
  return [
    { label: "batch, 10 types", workload: batch(1e10), pools: pools(false) },
    { label: "batch that no capacity meets, 10 types", workload: batch(Number.MAX_SAFE_INTEGER), pools: pools(false) },
    { label: "batch, one type at $1.00–1.06", workload: batch(1e11), pools: pools(true) },
    { label: "batch under a 300,000-GPU cap, one type", workload: batch(1e11, 300_000), pools: pools(true) },
    { label: "online 100,000 req/s, one type", workload: online, pools: pools(true) },
  ];
}

/** One decision on the largest capacity a tenant may report must not hold the server for long. */
const ADVERSARIAL_GOAL_MS = 1000;

function timeAdversarial(): string[] {
  return adversarialCases().map(({ label, workload, pools }) => {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const plan = selectGpusWith(workload, { pools }, { allowDisaggregation: false });
    const used = process.cpuUsage(cpuStart);
    const cpuMs = (used.user + used.system) / 1000;
    const wallMs = performance.now() - start;
    const goal = wallMs < ADVERSARIAL_GOAL_MS ? "met" : "**missed**";
    return `| ${label} | ${plan.feasible ? "feasible" : "infeasible"} | ${wallMs.toFixed(0)} ms | ${cpuMs.toFixed(0)} ms | wall < 1 s: ${goal} |`;
  });
}

export async function runDecisionTimeBenchmark(instances = 300): Promise<TDecisionTimeBenchmark> {
  const colocated = await timeSelection(instances, false);
  const disaggregated = await timeSelection(instances, true);
  const adversarial = timeAdversarial();
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const row = (label: string, t: TTimings, goalMs: number) =>
    `| ${label} | ${t.instances} (${t.feasible} feasible) | ${ms(t.p50Ms)} | ${ms(t.p99Ms)} | ${ms(t.maxMs)} | ${ms(t.cpuP50Ms)} | ${ms(t.cpuP99Ms)} | CPU p99 < ${goalMs} ms: ${t.cpuP99Ms < goalMs ? "met" : "**missed**"} |`;
  const markdown = [
    "## GPU selection: decision time",
    "",
    "Seeded instances of 20 pools over 10 GPU types × 3 markets (8–64 GPUs each), TP 1/2/4/8, batch and online workloads on 7 models (8B to DeepSeek-V3). " +
      "Timed: the whole `selectGpusWith` call — performance model for every candidate, exact search, two alternatives, explanation. " +
      "The second row also offers prefill/decode roles (split plans: one prefill kind and one decode kind, searched pair by pair). " +
      "Wall-clock figures include time the process waited for a CPU; CPU time (process.cpuUsage) is what one decision costs on an idle core. " +
      "It counts every thread of the process, V8's garbage collector and compiler included, so it can exceed wall time, and its p99 (the third-slowest of 300) moves from run to run and from machine to machine: " +
      "seventeen runs on 2026-12-07 on a fc-v1300 machine gave 42–61 ms colocated and 49–81 ms with roles (the colocated goal met in some runs, missed in others); " +
      "six runs that evening on a fc-v1272 machine gave 31–40 ms colocated and 45–54 ms with roles (met in every run); " +
      "four runs on 2026-12-08 on a fc-v1300 machine that ran the whole CI in half the previous day's time gave 21–30 ms colocated and 34–46 ms with roles (met). " +
      "The tail is garbage collection, not harder searches: timing each instance three times, the slowest single decisions (33 ms wall, 60 ms CPU) were of instances whose middle time was 13 ms, and in them CPU ran about twice wall, V8's concurrent marking and parallel scavenges. " +
      "formatUsd building a currency formatter per call was 5% of the CPU of 300 selections in a profile; with its formatters built once, four runs gave 42–46 ms colocated against 44–52 ms in three runs before, in the same hour on the fc-v1300 machine: within that spread.",
    "",
    "| roles | instances | wall p50 | wall p99 | wall max | CPU p50 | CPU p99 | goal |",
    "|---|---|---|---|---|---|---|---|",
    row("colocated", colocated, 50),
    row("colocated + prefill/decode", disaggregated, 100),
    "",
    "Capacity a tenant can report: 500 pools of 1,000,000 GPUs each (the heartbeat's limits), one decision each. " +
      "A plan takes at most 1,024 GPUs from a pool and weighs the 32 best-value pools, a pool's menu in at most 64 steps and " +
      "256 partial plans per pool merged (docs/planner.md). Before those bounds (measured on 2026-12-06, same machine): " +
      "one infeasible batch on one pool of 8,000 GPUs took 6.5 s, on 500 pools of one type at $1.00–1.06 170 s; an outside " +
      "review's plan on a million-GPU pool was still running after 10 minutes.",
    "",
    "| capacity and workload | plan | wall | CPU | goal |",
    "|---|---|---|---|---|",
    ...adversarial,
  ].join("\n");
  return { markdown, colocated, disaggregated };
}
