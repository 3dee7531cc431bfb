import { z } from "zod";
import { findGpu } from "./gpus.ts";

export type TPriceMarket = "on-demand" | "spot" | "serverless" | "reserved";

export type TPriceEntry = {
  provider: string;
  /** Undefined for serverless providers that do not price by region. */
  region?: string;
  /** Catalog GPU id (see gpus.ts). */
  gpuType: string;
  market: TPriceMarket;
  pricePerGpuHour: number;
  /** Serverless only: the billed rate, which is what the provider publishes. */
  pricePerGpuSecond?: number;
  instance?: string;
  source: string;
};

const SKY = "skypilot-catalog v7/aws/vms.csv @001367d (pre-June-2025 list prices; P-family OD is an upper bound)";
const MODAL = "techbytes.app serverless matrix, checked 7 May 2026";
const RUNPOD = "docs.runpod.io/serverless/pricing, flex (active) workers, 2026";
const TUNA = "Tuna tuna/catalog.py static serverless table (ENGINE_CONTRACTS D.2)";

const onDemand = (gpuType: string, instance: string, perHour: number, gpus: number): TPriceEntry => ({
  provider: "aws",
  region: "us-east-1",
  gpuType,
  market: "on-demand",
  pricePerGpuHour: perHour / gpus,
  instance,
  source: SKY,
});
// Spot: midpoint of the us-east-1 AZ range in the same snapshot.
const spot = (
  gpuType: string,
  instance: string,
  low: number,
  high: number,
  gpus: number,
  region = "us-east-1",
): TPriceEntry => ({
  provider: "aws",
  region,
  gpuType,
  market: "spot",
  pricePerGpuHour: (low + high) / 2 / gpus,
  instance,
  source: SKY,
});
const perSecond = (provider: string, gpuType: string, dollarsPerSecond: number, source: string): TPriceEntry => ({
  provider,
  gpuType,
  market: "serverless",
  pricePerGpuSecond: dollarsPerSecond,
  pricePerGpuHour: dollarsPerSecond * 3600,
  source,
});

export const PRICES: readonly TPriceEntry[] = [
  onDemand("A10G", "g5.xlarge", 1.006, 1),
  onDemand("A10G", "g5.12xlarge", 5.672, 4),
  onDemand("L4", "g6.xlarge", 0.8048, 1),
  onDemand("L4", "g6.48xlarge", 13.35, 8),
  onDemand("L40S", "g6e.xlarge", 1.861, 1),
  onDemand("L40S", "g6e.48xlarge", 30.131, 8),
  onDemand("A100-40GB", "p4d.24xlarge", 32.77, 8),
  onDemand("A100-80GB", "p4de.24xlarge", 40.97, 8),
  onDemand("H100-SXM", "p5.48xlarge", 98.32, 8),
  onDemand("H200", "p5en.48xlarge", 84.8, 8),
  spot("A10G", "g5.xlarge", 0.397, 0.418, 1),
  spot("A10G", "g5.12xlarge", 1.99, 2.73, 4),
  spot("L4", "g6.xlarge", 0.388, 0.417, 1),
  spot("L4", "g6.xlarge", 0.3, 0.32, 1, "us-east-2"),
  spot("L4", "g6.48xlarge", 2.96, 4.07, 8),
  spot("L40S", "g6e.xlarge", 0.79, 1.21, 1),
  spot("L40S", "g6e.48xlarge", 6.52, 10.8, 8),
  spot("A100-40GB", "p4d.24xlarge", 5.09, 9.61, 8),
  spot("A100-80GB", "p4de.24xlarge", 5.84, 7.81, 8),
  spot("H100-SXM", "p5.48xlarge", 21.0, 30.3, 8),
  spot("H100-SXM", "p5.48xlarge", 14.4, 18.3, 8, "us-east-2"),
  spot("H200", "p5en.48xlarge", 24.3, 24.3, 8),
  // AWS Capacity Blocks, rates shown until 1 Jan 2025 (copy of the AWS pricing page).
  {
    provider: "aws",
    region: "us-east-1",
    gpuType: "H100-SXM",
    market: "reserved",
    pricePerGpuHour: 4.916,
    instance: "p5 capacity block",
    source: "AWS Capacity Blocks page copy, until 2025-01-01",
  },
  {
    provider: "aws",
    region: "us-east-1",
    gpuType: "H200",
    market: "reserved",
    pricePerGpuHour: 5.408,
    instance: "p5en capacity block",
    source: "AWS Capacity Blocks page copy, until 2025-01-01",
  },
  {
    provider: "aws",
    region: "us-east-1",
    gpuType: "A100-40GB",
    market: "reserved",
    pricePerGpuHour: 1.844,
    instance: "p4d capacity block",
    source: "AWS Capacity Blocks page copy, until 2025-01-01",
  },
  perSecond("modal", "H100-SXM", 0.001097, MODAL),
  perSecond("modal", "A100-80GB", 0.000694, MODAL),
  perSecond("modal", "L40S", 0.000542, MODAL),
  perSecond("modal", "L4", 0.000222, MODAL),
  perSecond("modal", "A10G", 1.1 / 3600, TUNA),
  perSecond("modal", "A100-40GB", 2.1 / 3600, TUNA),
  perSecond("modal", "B200", 6.25 / 3600, TUNA),
  perSecond("runpod", "L4", 0.00019, RUNPOD),
  perSecond("runpod", "L40S", 0.00053, RUNPOD),
  perSecond("runpod", "A100-80GB", 0.00076, RUNPOD),
  perSecond("runpod", "H100-SXM", 0.00116, RUNPOD),
  perSecond("runpod", "H200", 0.00155, RUNPOD),
  perSecond("runpod", "B200", 0.0024, RUNPOD),
  // GPU-only rate; the required 4 vCPU / 16 GiB comes on top (~$1.40 per active hour all-in).
  perSecond("cloudrun", "L4", 0.000186, "brandonseppa.com (Apr 2026)"),
];

/** An org's own rate for a (provider, region?, gpu, market); any catalog price can be overridden. */
export const ZPriceOverride = z
  .strictObject({
    provider: z.string().min(1),
    region: z.string().optional(),
    gpuType: z.string().min(1),
    market: z.enum(["on-demand", "spot", "serverless", "reserved"]),
    pricePerGpuHour: z.number().nonnegative().optional(),
    pricePerGpuSecond: z.number().nonnegative().optional(),
  })
  .refine((o) => o.pricePerGpuHour !== undefined || o.pricePerGpuSecond !== undefined, {
    message: "give pricePerGpuHour or pricePerGpuSecond",
  });
export type TPriceOverride = z.infer<typeof ZPriceOverride>;

function sameKey(
  entry: TPriceEntry,
  o: { provider: string; region?: string; gpuType: string; market: TPriceMarket },
): boolean {
  return (
    entry.provider === o.provider.toLowerCase() &&
    entry.gpuType === findGpu(o.gpuType).id &&
    entry.market === o.market &&
    (o.region === undefined || entry.region === o.region)
  );
}

/**
 * Returns a new price list with the org's overrides applied. An override without a region applies
 * to every region of that provider; one that matches nothing is added as a new entry.
 */
export function applyPriceOverrides(
  prices: readonly TPriceEntry[],
  overrides: readonly TPriceOverride[],
): TPriceEntry[] {
  let result = prices.map((p) => ({ ...p }));
  for (const override of overrides) {
    const perHour = override.pricePerGpuHour ?? (override.pricePerGpuSecond ?? 0) * 3600;
    const perSec = override.pricePerGpuSecond ?? (override.market === "serverless" ? perHour / 3600 : undefined);
    const patched = { pricePerGpuHour: perHour, pricePerGpuSecond: perSec, source: "org override" };
    let matched = false;
    result = result.map((entry) => {
      if (!sameKey(entry, override)) return entry;
      matched = true;
      return { ...entry, ...patched };
    });
    if (!matched) {
      result.push({
        provider: override.provider.toLowerCase(),
        region: override.region,
        gpuType: findGpu(override.gpuType).id,
        market: override.market,
        ...patched,
      });
    }
  }
  return result;
}

/**
 * Cheapest per-GPU-hour price for a GPU in a market (optionally a provider/region), or undefined
 * when the catalog has none.
 */
export function lookupPrice(
  query: { gpuType: string; market: TPriceMarket; provider?: string; region?: string },
  prices: readonly TPriceEntry[] = PRICES,
): TPriceEntry | undefined {
  const gpuId = findGpu(query.gpuType).id;
  const matches = prices.filter(
    (p) =>
      p.gpuType === gpuId &&
      p.market === query.market &&
      (query.provider === undefined || p.provider === query.provider.toLowerCase()) &&
      (query.region === undefined || p.region === query.region),
  );
  return matches.reduce<TPriceEntry | undefined>(
    (best, p) => (best === undefined || p.pricePerGpuHour < best.pricePerGpuHour ? p : best),
    undefined,
  );
}
