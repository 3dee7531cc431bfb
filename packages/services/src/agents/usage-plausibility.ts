import type { TUsageLine, TUsageRefusal } from "@koi/contracts/agent/reports";
import { INT4_MAX } from "@koi/contracts/primitives";
import { usageDeltas, usageKey, type TBilled, type TUsageDelta } from "./usage-counters.ts";

/**
 * What one assignment's usage could physically be, from what its agent declared. An agent's report
 * is the only source of what a tenant is billed, so a unit mistake in an agent (Tuna's router sums
 * GPU time in nanoseconds) would otherwise put billions of dollars on the Costs page. The bounds are
 * loose on purpose — they catch figures off by orders of magnitude, not a price a few percent high —
 * and come from the pools the agent itself declares, so they limit a buggy agent, not one whose
 * engine key is in the wrong hands (it can declare bigger pools first).
 */
export type TUsageBounds = {
  /**
   * GPUs the assignment could have held on average: four times what the agent's pools hold, at
   * least 64 (pools change, and a serverless pool's declared workers are a default, not a cap).
   */
  gpus: number;
  /** Highest believable price per GPU-hour: twice the dearest pool the agent declared, at least $100. */
  usdPerGpuHour: number;
  /**
   * Engine seconds since the assignment was created, plus a margin for clock skew: wall-clock
   * seconds × the time scale (KOI_USAGE_TIME_SCALE; simulated engines run faster than real time).
   */
  elapsedSeconds: number;
};

/** Seconds an agent's clock or a report in flight may add to the assignment's age. */
const CLOCK_MARGIN_SECONDS = 600;
/** Below these, an agent with no pools declared (or only tiny ones) is still given room. */
const MIN_GPUS = 64;
const MIN_USD_PER_GPU_HOUR = 100;
/** Cost a line may carry beyond seconds × price: minimum charges, rounding, a router's own instance. */
const COST_MARGIN_USD = 10;
/**
 * Tuna prices serverless use per request (requests × mean latency: request-seconds, which continuous
 * batching lets grow faster than GPU-seconds), so a serverless line that counts its requests is held
 * to this many seconds per request instead of to the pools' GPUs: longer than any router waits.
 */
const MAX_SECONDS_PER_REQUEST = 600;

export function usageBounds(
  pools: { total: number; pricePerGpuHour: number | null }[],
  createdAt: Date,
  now: Date,
  timeScale = 1,
): TUsageBounds {
  const gpus = pools.reduce((sum, p) => sum + p.total, 0);
  const dearest = Math.max(0, ...pools.map((p) => p.pricePerGpuHour ?? 0));
  return {
    gpus: Math.max(MIN_GPUS, 4 * gpus),
    usdPerGpuHour: Math.max(MIN_USD_PER_GPU_HOUR, 2 * dearest),
    elapsedSeconds: (Math.max(0, (now.getTime() - createdAt.getTime()) / 1000) + CLOCK_MARGIN_SECONDS) * timeScale,
  };
}

const round = (n: number) => new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 }).format(n);

/** A serverless line priced per request: bounded by its requests, not by GPUs. */
const perRequest = (line: TUsageLine) => line.component === "serverless" && line.requests !== undefined;
/** Lines whose seconds are the assignment's GPUs' time, which together cannot exceed it. */
const gpuTime = (component: TUsageLine["component"]) => component !== "router" && component !== "serverless";

/** The most seconds a line may carry, and what bounds it (for the reason). */
function secondsLimit(line: TUsageLine, bounds: TUsageBounds): { max: number; what: string } {
  if (line.component === "router") return { max: bounds.elapsedSeconds, what: "one router could run" };
  const gpuSeconds = bounds.elapsedSeconds * bounds.gpus;
  if (perRequest(line)) {
    const max = Math.max(gpuSeconds, line.requests! * MAX_SECONDS_PER_REQUEST);
    return { max, what: `${round(line.requests!)} requests of at most ${MAX_SECONDS_PER_REQUEST} s could take` };
  }
  return { max: gpuSeconds, what: `${bounds.gpus} GPUs could use` };
}

const costLimit = (seconds: number, bounds: TUsageBounds) => (seconds * bounds.usdPerGpuHour) / 3600 + COST_MARGIN_USD;

/**
 * Why a cumulative usage line cannot be true, or null when it can: more seconds than the
 * assignment's age allows, or a price per GPU-hour beyond any cloud's.
 */
export function implausibleUsage(line: TUsageLine, bounds: TUsageBounds): string | null {
  const limit = secondsLimit(line, bounds);
  if (line.seconds > limit.max)
    return (
      `${round(line.seconds)} ${line.component} seconds within ${round(bounds.elapsedSeconds)} s of the ` +
      `assignment's start is more than ${limit.what} (a unit mistake?)`
    );
  if (line.costUsd > costLimit(line.seconds, bounds))
    return (
      `$${round(line.costUsd)} for ${round(line.seconds)} ${line.component} seconds is more than ` +
      `$${bounds.usdPerGpuHour} per GPU-hour`
    );
  return null;
}

/**
 * Why billing `delta` on top of what the line already billed cannot be true, or null. A counter that
 * falls is taken for an engine restart and billed again from zero, so a line whose figure falls and
 * rises could bill more than any one figure it reports: the totals billed are held to the same
 * bounds, each line's alone and all the lines priced by GPU-time together (`othersSeconds`).
 */
export function implausibleBilling(
  line: TUsageLine,
  delta: TUsageDelta,
  billed: TBilled,
  othersSeconds: number,
  bounds: TUsageBounds,
): string | null {
  if ((delta.requests ?? 0) > INT4_MAX)
    return `${round(delta.requests!)} requests since the last report is more than Koi counts in one report (${round(INT4_MAX)})`;
  const seconds = billed.seconds + delta.seconds;
  const limit = secondsLimit(line, bounds);
  const together = gpuTime(line.component) ? othersSeconds + seconds : 0;
  if (seconds > limit.max || together > bounds.elapsedSeconds * bounds.gpus)
    return (
      `billing it would bring this assignment to ${round(Math.max(seconds, together))} ${line.component === "router" ? "router" : "GPU"} seconds ` +
      `within ${round(bounds.elapsedSeconds)} s of its start, more than ${limit.what} (a counter that keeps falling and rising?)`
    );
  if (billed.costUsd + delta.costUsd > costLimit(seconds, bounds))
    return `billing it would bring this line to $${round(billed.costUsd + delta.costUsd)} for ${round(seconds)} seconds, more than $${bounds.usdPerGpuHour} per GPU-hour`;
  return null;
}

/**
 * The lines of a report to bill and the ones refused with why: first each line's own figures, then
 * what billing its delta would bring the assignment's totals to.
 */
export function screenUsage(input: {
  lines: TUsageLine[];
  seen: TUsageLine[];
  billed: Map<string, TBilled>;
  bounds: TUsageBounds;
}): { accepted: TUsageLine[]; refused: TUsageRefusal[] } {
  const refused: TUsageRefusal[] = [];
  const refuse = (line: TUsageLine, reason: string) =>
    refused.push({ component: line.component, ...(line.gpuType ? { gpuType: line.gpuType } : {}), reason });
  const candidates = input.lines.filter((line) => {
    const reason = implausibleUsage(line, input.bounds);
    if (reason) refuse(line, reason);
    return !reason;
  });
  const deltas = new Map(usageDeltas(input.seen, candidates).deltas.map((d) => [usageKey(d), d]));
  const none: TBilled = { seconds: 0, costUsd: 0 };
  let gpuSeconds = [...input.billed.entries()]
    .filter(([key]) => gpuTime(key.split("|")[0] as TUsageLine["component"]))
    .reduce((sum, [, b]) => sum + b.seconds, 0);
  const accepted = candidates.filter((line) => {
    const delta = deltas.get(usageKey(line));
    if (!delta) return true;
    const billed = input.billed.get(usageKey(line)) ?? none;
    const others = gpuTime(line.component) ? gpuSeconds - billed.seconds : 0;
    const reason = implausibleBilling(line, delta, billed, others, input.bounds);
    if (reason) refuse(line, reason);
    else if (gpuTime(line.component)) gpuSeconds += delta.seconds;
    return !reason;
  });
  return { accepted, refused };
}
