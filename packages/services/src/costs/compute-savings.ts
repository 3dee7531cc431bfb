import { lookupPrice } from "@koi/catalog";

export type TSavings = {
  actualUsd: number;
  /** GPU-seconds the baselines price (router seconds and rows without a GPU type are not GPU time). */
  gpuSeconds: number;
  onDemandBaselineUsd: number;
  serverlessBaselineUsd: number;
  savedVsOnDemandUsd: number;
  savedVsServerlessUsd: number;
  /** GPU-seconds of GPU types the catalog has no price for in a baseline market; left out of it. */
  unpricedOnDemandSeconds: number;
  unpricedServerlessSeconds: number;
};

export type TPriceOf = (gpuType: string, market: "on-demand" | "serverless") => number | undefined;

/** The catalog's cheapest $/GPU-hour; undefined for a GPU the catalog does not know. */
export const catalogPrice: TPriceOf = (gpuType, market) => {
  try {
    return lookupPrice({ gpuType, market })?.pricePerGpuHour;
  } catch {
    return undefined;
  }
};

/**
 * What the same GPU-seconds would have cost always-on at on-demand prices, and always-on on
 * serverless: baseline = Σ seconds / 3600 × catalog $/GPU-h of that GPU type in that market;
 * saved = baseline − what was actually spent (all components, router included).
 */
export function computeSavings(
  records: readonly { component: string; gpuType: string | null; seconds: number; costUsd: number }[],
  priceOf: TPriceOf = catalogPrice,
): TSavings {
  const s: TSavings = {
    actualUsd: 0,
    gpuSeconds: 0,
    onDemandBaselineUsd: 0,
    serverlessBaselineUsd: 0,
    savedVsOnDemandUsd: 0,
    savedVsServerlessUsd: 0,
    unpricedOnDemandSeconds: 0,
    unpricedServerlessSeconds: 0,
  };
  for (const r of records) {
    s.actualUsd += r.costUsd;
    if (r.component === "router" || !r.gpuType) continue;
    s.gpuSeconds += r.seconds;
    const od = priceOf(r.gpuType, "on-demand");
    const sl = priceOf(r.gpuType, "serverless");
    if (od === undefined) s.unpricedOnDemandSeconds += r.seconds;
    else s.onDemandBaselineUsd += (r.seconds / 3600) * od;
    if (sl === undefined) s.unpricedServerlessSeconds += r.seconds;
    else s.serverlessBaselineUsd += (r.seconds / 3600) * sl;
  }
  s.savedVsOnDemandUsd = s.onDemandBaselineUsd - s.actualUsd;
  s.savedVsServerlessUsd = s.serverlessBaselineUsd - s.actualUsd;
  return s;
}

export const SAVINGS_FORMULA =
  "Baseline = the same GPU-seconds × the catalog's cheapest $/GPU-hour for that GPU in the market (on-demand, or serverless), as if run always-on there. Saved = baseline − actual spend.";
