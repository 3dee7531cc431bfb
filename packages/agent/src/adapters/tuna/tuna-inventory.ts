import type { TTunaPrices } from "@koi/catalog";
import type { TGpuPool, TTunaRouterHealth } from "@koi/contracts";
import type { TTunaAdapterOptions } from "./tuna-adapter-options.ts";
import type { TTunaVariant } from "./tuna-variants.ts";

/**
 * The GPU pools a Tuna deployment offers Koi: a spot pool per SkyServe service it may use, and its
 * serverless workers.
 */
export function tunaInventory(
  options: TTunaAdapterOptions,
  variants: ReadonlyMap<string, TTunaVariant>,
  prices: TTunaPrices,
  h: TTunaRouterHealth,
): TGpuPool[] {
  // Other services are offered to Koi only when the agent can move the router to them: a
  // policy must reach them, and a real router's replica watcher must follow the move.
  const canSwitch =
    h.koi_scaling_policy === true ||
    (options.scalingPolicyCommand !== undefined && options.switchCommand !== undefined);
  const workers = options.gpuCount * (options.serverlessWorkersMax ?? 1);
  return [
    ...[...variants.values()]
      .filter((v) => canSwitch || v.gpuType === options.gpuType)
      .map((v) => ({
        id: `tuna:spot:${v.gpuType}`,
        gpuType: v.gpuType,
        market: "spot" as const,
        ...(options.region ? { region: options.region } : {}),
        total: v.gpuCount * v.spotMaxReplicas,
        available: v.gpuCount * v.spotMaxReplicas,
        // A SkyServe spot service serves with one tensor-parallel size: its GPUs per replica.
        replicaSizes: [v.gpuCount],
        quota: null,
        pricePerGpuHour: v.spotPricePerGpuHour || null,
      })),
    {
      id: `tuna:serverless:${options.serverlessProvider}:${options.gpuType}`,
      gpuType: options.gpuType,
      market: "serverless",
      total: workers,
      available: workers,
      quota: null,
      pricePerGpuHour: prices.serverlessPerGpuHour || null,
    },
  ];
}
