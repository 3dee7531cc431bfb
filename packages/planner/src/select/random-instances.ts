import { predictPerformance } from "../perf/predict-performance.ts";
import { createRandom, type TRandom } from "../random/seeded-random.ts";
import type { TCapacity, TCapacityPool, TMarket, TWorkload } from "../types.ts";
import type { TSelectOptions } from "./select-gpus.ts";

// Seeded random selection problems, shared by the brute-force property test and the benchmark so
// both exercise the same distribution.

export type TSelectionInstance = { workload: TWorkload; capacity: TCapacity; options: TSelectOptions };

const MODELS = ["llama-3.1-8b", "qwen2.5-7b", "mistral-7b", "llama-3.1-70b", "mixtral-8x7b", "qwen2.5-32b"];
const GPUS = ["L4", "A10G", "L40S", "A100-40GB", "A100-80GB", "H100-SXM", "H200"];
const MARKETS: TMarket[] = ["on-demand", "spot", "reserved", "serverless"];
/** Rough list $/GPU-h; pools jitter around it so no GPU type always wins. */
const BASE_PRICE: Record<string, number> = {
  L4: 0.8,
  A10G: 1.0,
  L40S: 1.9,
  "A100-40GB": 4.1,
  "A100-80GB": 5.1,
  "H100-SXM": 6.9,
  H200: 10.6,
};

function pick<T>(r: TRandom, items: readonly T[]): T {
  return items[r.int(0, items.length - 1)] as T;
}

function logUniform(r: TRandom, min: number, max: number): number {
  return Math.exp(r.uniform(Math.log(min), Math.log(max)));
}

/**
 * Sizes the load against what the pools can do (one replica of the smallest fitting TP per pool),
 * so instances land near the interesting boundary: one pool is not enough, all of them may not be.
 */
function poolCapacity(
  model: string,
  pools: readonly TCapacityPool[],
  inputTokens: number,
  outputTokens: number,
): number {
  let total = 0;
  for (const pool of pools) {
    for (const tp of [1, 2, 4]) {
      const perf = predictPerformance({ model, gpu: pool.gpuType, tp, inputTokens, outputTokens });
      if (!perf.fits) continue;
      total += perf.requestsPerSecond * Math.floor(pool.available / tp);
      break;
    }
  }
  return total;
}

function randomWorkload(r: TRandom, pools: readonly TCapacityPool[]): TWorkload {
  const model = pick(r, MODELS);
  const avgInputTokens = Math.round(logUniform(r, 100, 4000));
  const avgOutputTokens = Math.round(logUniform(r, 20, 1000));
  const capacity = poolCapacity(model, pools, avgInputTokens, avgOutputTokens);
  const target = capacity > 0 ? capacity * logUniform(r, 0.1, 1.5) : logUniform(r, 0.2, 20);
  if (r.next() < 0.5) {
    const deadlineHours = Math.round(logUniform(r, 0.25, 8) * 100) / 100;
    return {
      kind: "batch",
      model,
      avgInputTokens,
      avgOutputTokens,
      requests: Math.max(1, Math.round(target * deadlineHours * 3600)),
      deadlineHours,
    };
  }
  return {
    kind: "online",
    model,
    avgInputTokens,
    avgOutputTokens,
    requestsPerSecond: Math.max(0.01, Math.round(target * 0.5 * 100) / 100),
    ttftP95Ms: Math.round(logUniform(r, 300, 5000)),
    tpotP95Ms: Math.round(logUniform(r, 25, 200)),
  };
}

function randomPool(r: TRandom, index: number, maxAvailable: number): TCapacityPool {
  const gpuType = pick(r, GPUS);
  const market = pick(r, MARKETS);
  const discount =
    market === "spot"
      ? r.uniform(0.3, 0.6)
      : market === "reserved"
        ? r.uniform(0.5, 0.8)
        : market === "serverless"
          ? r.uniform(0.6, 1.0)
          : r.uniform(0.8, 1.2);
  const pool: TCapacityPool = {
    id: `pool-${index}`,
    gpuType,
    market,
    available: r.int(0, maxAvailable),
    pricePerGpuHour: Math.round((BASE_PRICE[gpuType] ?? 2) * discount * 100) / 100,
  };
  if (r.next() < 0.2) pool.quota = r.int(0, maxAvailable);
  return pool;
}

/** Up to 3 pools of up to 8 GPUs (2 pools of 4 with disaggregation): small enough to enumerate. */
export function randomSmallInstance(seed: number): TSelectionInstance {
  const r = createRandom(seed);
  const allowDisaggregation = r.next() < 0.25;
  const poolCount = allowDisaggregation ? r.int(1, 2) : r.int(1, 3);
  const pools = Array.from({ length: poolCount }, (_, i) => randomPool(r, i, allowDisaggregation ? 4 : 8));
  const workload = randomWorkload(r, pools);
  const options: TSelectOptions = { safetyMargin: r.uniform(0, 0.3), allowDisaggregation, tpChoices: [1, 2, 4] };
  if (r.next() < 0.2) options.maxGpus = r.int(1, 12);
  if (r.next() < 0.15) options.budget = workload.kind === "batch" ? logUniform(r, 1, 2000) : logUniform(r, 1, 60);
  return { workload, capacity: { pools }, options };
}
