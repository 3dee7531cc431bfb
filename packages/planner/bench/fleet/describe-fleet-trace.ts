import type { TFleetTrace } from "../../src/sim/fleet-types.ts";
import { peakLoad } from "../../src/sim/replica-throughput.ts";

const h = (s: number): string => `${Math.round(s / 3600)} h`;

/** Markdown description of what the trace contains, so the figures can be judged. */
export function describeFleetTrace(trace: TFleetTrace): string {
  const jobs = trace.jobs;
  const byModel = new Map<string, { n: number; tokens: number }>();
  for (const j of jobs) {
    const e = byModel.get(j.model) ?? { n: 0, tokens: 0 };
    e.n++;
    e.tokens += j.requests * (j.inputTokens + j.outputTokens);
    byModel.set(j.model, e);
  }
  const slos = new Map<number, number>();
  for (const j of jobs)
    slos.set(
      Math.round((j.deadline - j.arrival) / 3600),
      (slos.get(Math.round((j.deadline - j.arrival) / 3600)) ?? 0) + 1,
    );
  const prios = new Map<string, number>();
  for (const j of jobs) prios.set(j.priority, (prios.get(j.priority) ?? 0) + 1);
  const requests = jobs.map((j) => j.requests).sort((a, b) => a - b);
  const lines = [
    `Seed ${trace.seed}, ${h(trace.horizonSeconds)} (${trace.horizonSeconds / 86400} days, weekend on days 6–7). VM launch + model load ${trace.startupSeconds / 60} min, model swap on a running VM ${trace.reassignSeconds / 60} min; real throughput = perf model × a hidden per-(model, GPU) factor (log-normal σ 0.12) × per-10-min noise (σ ${trace.throughputNoise}).`,
    "",
    `**Batch jobs: ${jobs.length}** (Poisson arrivals, 18/weekday-day peaking mid-afternoon, 40% on weekends); requests per job ${requests[0]}–${requests.at(-1)} (median ${requests[Math.floor(requests.length / 2)]}); input 200–2000, output 100–600 tokens.`,
    "",
    "| model | jobs | tokens (B) |",
    "|---|---|---|",
    ...[...byModel].map(([m, e]) => `| ${m} | ${e.n} | ${(e.tokens / 1e9).toFixed(2)} |`),
    "",
    `Deadlines (hours after arrival → jobs): ${[...slos]
      .sort((a, b) => a[0] - b[0])
      .map(([k, v]) => `${k} h → ${v}`)
      .join(", ")}. Priorities: ${[...prios].map(([k, v]) => `${k} ${v}`).join(", ")}.`,
    "",
    "**Online services** (diurnal sinusoid, trough 15% of peak at night, weekends at 60%, AR(1) noise):",
    "",
    "| service | model | in/out tokens | TTFT/TPOT p95 | nominal peak | max minute | serverless fallback |",
    "|---|---|---|---|---|---|---|",
    ...trace.services.map(
      (s) =>
        `| ${s.id} | ${s.model} | ${s.inputTokens}/${s.outputTokens} | ${s.ttftP95Ms}/${s.tpotP95Ms} ms | ${s.peakRps} req/s | ${peakLoad(s).toFixed(1)} req/s | Modal ${s.serverless.gpuType}, $${(s.serverless.pricePerGpuSecond * 3600).toFixed(2)}/GPU-h, cold start ${s.serverless.coldStartSeconds} s |`,
    ),
    "",
    "**Pools** (AWS us-east-1 catalog prices; spot hazard from the Spot Advisor band midpoint, per instance):",
    "",
    "| pool | GPUs | $/GPU-h | spot band → reclaim/h |",
    "|---|---|---|---|",
    ...trace.pools.map(
      (p) =>
        `| ${p.id} | ${p.capacity} | ${p.pricePerGpuHour.toFixed(3)} | ${p.spotBand ? `${p.spotBand} → ${(p.preemptionRatePerHour! * 100).toFixed(3)}%` : "–"} |`,
    ),
  ];
  return lines.join("\n");
}
