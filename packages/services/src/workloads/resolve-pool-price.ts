import { lookupPrice, tryFindGpu, type TPriceMarket } from "@koi/catalog";

/** Where a pool's $/GPU-h comes from: the engine's report, the org's override, the catalog's list price, or none (on-prem). */
export type TPriceSource = "pool" | "override" | "catalog" | "none";

const PRICED_MARKETS = new Set<string>(["on-demand", "spot", "serverless", "reserved"]);

export function canonicalGpu(gpuType: string): string {
  return tryFindGpu(gpuType)?.id ?? gpuType;
}

/** Override prices keyed the way `resolvePoolPrice` looks them up. */
export function overridePriceMap(overrides: { gpuType: string; market: string; pricePerGpuHour: number }[]) {
  return new Map(overrides.map((o) => [`${canonicalGpu(o.gpuType)}|${o.market}`, o.pricePerGpuHour]));
}

/**
 * The pool's own rate, else the org's PriceOverride, else the catalog; null for a GPU type the
 * catalog does not know (the planner cannot model it).
 */
export function resolvePoolPrice(
  gpuType: string,
  market: string,
  poolPrice: number | null,
  overrides: Map<string, number>,
): { value: number; source: TPriceSource } | null {
  if (!tryFindGpu(gpuType)) return null;
  if (poolPrice !== null) return { value: poolPrice, source: "pool" };
  const override = overrides.get(`${canonicalGpu(gpuType)}|${market}`);
  if (override !== undefined) return { value: override, source: "override" };
  if (PRICED_MARKETS.has(market)) {
    const entry = lookupPrice({ gpuType, market: market as TPriceMarket });
    if (entry) return { value: entry.pricePerGpuHour, source: "catalog" };
  }
  // On-prem GPUs without a rate are already paid for.
  return { value: 0, source: "none" };
}
