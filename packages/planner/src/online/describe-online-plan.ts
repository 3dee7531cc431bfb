import type { TLoadForecast } from "./forecast-load.ts";
import type { TOnlineAlternative, TOnlinePlan, TOnlineService } from "./online-types.ts";
import type { TOption } from "./plan-variant-switch.ts";
import type { TSizedVariant, TSizedWorker } from "./size-variants.ts";

const ALTERNATIVES = 3;
const rps = (x: number): string => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
const usd = (x: number): string => `$${x.toFixed(2)}`;
const ms = (x: number): string => (Number.isFinite(x) ? `${Math.round(x)} ms` : "unbounded");
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** The reason paragraph and the runners-up, in the shape batch Decisions carry. */
export function describeOnlinePlan(args: {
  plan: Omit<TOnlinePlan, "reason" | "alternatives">;
  chosen: TOption;
  options: readonly TOption[];
  waiting: { option: TOption; why: string } | null;
  forecast: TLoadForecast;
  service: TOnlineService;
  sized: TSizedVariant | undefined;
  worker: TSizedWorker | undefined;
}): { reason: string; alternatives: TOnlineAlternative[] } {
  const { plan, chosen, service, sized, worker } = args;
  const alternatives: TOnlineAlternative[] = args.options
    .filter((x) => x.key !== chosen.key)
    .sort((a, b) => a.horizonCost - b.horizonCost)
    .slice(0, ALTERNATIVES)
    .map((x) => ({
      variant: x.variant,
      label: x.label,
      replicas: x.replicas,
      costPerHour: x.costPerHour,
      costDelta: x.costPerHour - chosen.costPerHour,
      summary: `${x.replicas} × ${x.label}: ${usd(x.costPerHour)}/h now, ${usd(x.horizonCost)} over the coming hours`,
    }));
  const first = args.forecast.points[0];
  const slo = `TTFT p95 ≤ ${service.ttftP95Ms} ms and TPOT p95 ≤ ${service.tpotP95Ms} ms`;
  const sizing = `${rps(plan.sizing.windowRps)} req/s (P${Math.round(plan.sizing.quantile * 100)} of the per-minute rate; the next hour's mean is forecast at ${rps(first?.p50 ?? 0)}, P90 ${rps(first?.p90 ?? 0)})`;
  const parts: string[] = [];
  if (sized) {
    parts.push(
      `${chosen.replicas} × ${chosen.label} (SkyServe min ${plan.spot.minReplicas}, max ${plan.spot.maxReplicas}, target ${plan.tuna.spot.target_qps} req/s): ${args.options.length === 1 ? "the only option" : `the cheapest of ${args.options.length} options`} over the coming hours that keeps ${slo} at ${sizing}.`,
      `One replica sustains ${rps(sized.rate.rps)} req/s (${sized.rate.binding === "throughput" ? "its throughput" : sized.rate.binding.toUpperCase()} binds); predicted p95 TTFT ${ms(plan.predictedLatency.ttftP95Ms)}, TPOT ${ms(plan.predictedLatency.tpotP95Ms)}; ${usd(chosen.costPerHour)}/h.`,
    );
    if (worker)
      parts.push(
        `Serverless ${worker.offer.gpuType} TP${worker.tp} (concurrency ${worker.concurrency}, up to ${count(plan.serverless?.workersMax ?? 0, "worker")}) takes the traffic while spot is cold — at start and after a preemption of the last replica — since Tuna's router sends everything to spot while it is ready.`,
      );
  } else if (worker) {
    parts.push(
      `Serverless only: ${count(chosen.replicas, `warm ${worker.offer.gpuType} TP${worker.tp} worker`)} (concurrency ${worker.concurrency}) keep ${slo} at ${sizing} for ${usd(chosen.costPerHour)}/h, cheaper than any spot variant.`,
    );
  }
  const runnerUp = alternatives[0];
  if (runnerUp) parts.push(`Runner-up: ${runnerUp.summary}.`);
  if (plan.switchPlan)
    parts.push(
      `Switching variant: saves ${usd(plan.switchPlan.savingPerHour)}/h; the new one serves before the old stops (overlap ${usd(plan.switchPlan.overlapCost)}, paid back in ${Math.round(plan.switchPlan.breakEvenMinutes)} min).`,
    );
  if (args.waiting) parts.push(`Not switching to ${args.waiting.option.label} yet: ${args.waiting.why}.`);
  parts.push(`Forecast: ${args.forecast.explanation}.`);
  return { reason: parts.join(" "), alternatives };
}
