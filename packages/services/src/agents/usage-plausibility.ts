import type { TUsageLine } from "@koi/contracts/agent/reports";

/**
 * What one assignment's cumulative usage could physically be, from what its agent declared. An
 * agent's report is the only source of what a tenant is billed, so a unit mistake in an agent
 * (Tuna's router sums GPU time in nanoseconds) or a forged report would otherwise put billions of
 * dollars on the Costs page. The bounds are loose on purpose — they catch figures off by orders of
 * magnitude, not a price a few percent high.
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

/**
 * Why a cumulative usage line cannot be true, or null when it can. Router lines count wall-clock
 * seconds of one router, so they get the bound of a single GPU.
 */
export function implausibleUsage(line: TUsageLine, bounds: TUsageBounds): string | null {
  const gpus = line.component === "router" ? 1 : bounds.gpus;
  const maxSeconds = bounds.elapsedSeconds * gpus;
  if (line.seconds > maxSeconds)
    return (
      `${round(line.seconds)} ${line.component} seconds within ${round(bounds.elapsedSeconds)} s of the assignment's start ` +
      `is more than ${gpus} GPU${gpus === 1 ? "" : "s"} could use (a unit mistake?)`
    );
  const maxCost = (line.seconds * bounds.usdPerGpuHour) / 3600 + COST_MARGIN_USD;
  if (line.costUsd > maxCost)
    return (
      `$${round(line.costUsd)} for ${round(line.seconds)} ${line.component} seconds is more than ` +
      `$${bounds.usdPerGpuHour} per GPU-hour`
    );
  return null;
}
