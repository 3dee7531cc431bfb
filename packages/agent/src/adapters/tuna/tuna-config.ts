import { findModel, lookupPrice, lookupTunaServerlessPrice, type TTunaPrices } from "@koi/catalog";
import type { TTunaAdapterOptions } from "./tuna-adapter-options.ts";
import type { TTunaVariant } from "./tuna-variants.ts";

/** Koi catalog name → the key of Tuna's serverless price table (`tuna/catalog.py`). */
const TUNA_GPU_NAME: Record<string, string> = {
  "A100-80GB": "A100_80GB",
  "A100-40GB": "A100_40GB",
  "H100-SXM": "H100",
  "H100-PCIe": "H100",
};

export function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

/** A URL on the host it is read from (Tuna names SkyServe's load balancer http://127.0.0.1:30001 on the controller). */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || /^127\./.test(host);
}

/** The same Hugging Face id (any case), or two names of the same catalog model. */
export function sameModel(a: string, b: string): boolean {
  if (a.trim().toLowerCase() === b.trim().toLowerCase()) return true;
  try {
    return findModel(a).id === findModel(b).id;
  } catch {
    return false;
  }
}

function catalogPrice(gpuType: string, market: "spot" | "on-demand"): number {
  try {
    return lookupPrice({ gpuType, market })?.pricePerGpuHour ?? 0;
  } catch {
    return 0;
  }
}

/**
 * The deployment's prices (the operator's, else Tuna's and Koi's tables) and its spot services by
 * GPU type: its own first, then the variants the operator brought up beside it.
 */
export function tunaPricesAndVariants(options: TTunaAdapterOptions): {
  prices: TTunaPrices;
  variants: Map<string, TTunaVariant>;
} {
  const prices: TTunaPrices = {
    spotPerGpuHour: options.spotPricePerGpuHour ?? catalogPrice(options.gpuType, "spot"),
    onDemandPerGpuHour: options.onDemandPricePerGpuHour ?? catalogPrice(options.gpuType, "on-demand"),
    serverlessPerGpuHour:
      options.serverlessPricePerGpuHour ??
      lookupTunaServerlessPrice(TUNA_GPU_NAME[options.gpuType] ?? options.gpuType, options.serverlessProvider),
  };
  const variants = new Map<string, TTunaVariant>(
    [
      {
        gpuType: options.gpuType,
        gpuCount: options.gpuCount,
        spotUrl: null,
        spotPricePerGpuHour: prices.spotPerGpuHour,
        spotMaxReplicas: options.spotMaxReplicas ?? 5,
      },
      ...(options.variants ?? []).map((v) => ({
        gpuType: v.gpuType,
        gpuCount: v.gpuCount,
        spotUrl: v.spotUrl,
        spotPricePerGpuHour: v.spotPricePerGpuHour ?? catalogPrice(v.gpuType, "spot"),
        spotMaxReplicas: v.spotMaxReplicas ?? options.spotMaxReplicas ?? 5,
      })),
    ].map((v) => [v.gpuType, v]),
  );
  return { prices, variants };
}
