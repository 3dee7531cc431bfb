import type { TMarket } from "@koi/planner";
import { freeGpus } from "../workloads/held-gpus-by-pool.ts";
import { poolShapeProblem } from "../workloads/pool-shape-problem.ts";
import { readPoolShape } from "../workloads/read-stored-json.ts";
import { resolvePoolPrice, type TPriceSource } from "../workloads/resolve-pool-price.ts";

type TStoredPool = { id: string; gpuType: string; market: string; pricePerGpuHour: number | null; shape: unknown };

/**
 * A pool as the fleet pages show it: the price the planner charges (and where it came from), and
 * why the planner leaves the pool out, when it does, in the words `buildOrgCapacity` would use.
 */
export function fleetPool<T extends TStoredPool>(
  pool: T,
  overridePrice: Map<string, number>,
): Omit<T, "shape"> & {
  price: { value: number; source: TPriceSource } | null;
  notPlanned: string | null;
} {
  const { shape: _shape, ...rest } = pool;
  const price = resolvePoolPrice(pool.gpuType, pool.market, pool.pricePerGpuHour, overridePrice);
  const shape = readPoolShape(pool);
  const notPlanned =
    price === null
      ? "Koi has no performance model for this GPU type, so it plans no work here."
      : shape
        ? poolShapeProblem({
            id: pool.id,
            name: `${pool.gpuType} ${pool.market} pool`,
            gpuType: pool.gpuType,
            market: pool.market as TMarket,
            available: 0,
            pricePerGpuHour: price.value,
            shape,
          })
        : null;
  return { ...rest, price, notPlanned };
}

/**
 * A pool's available GPUs as the planner sees them: what the engine reports, less what Koi's own
 * placements there hold, as `buildOrgCapacity` counts them.
 */
export function plannedPool<T extends { id: string; total: number; available: number }>(
  pool: T,
  heldByPool: Map<string, number>,
): T {
  return { ...pool, available: freeGpus(pool, heldByPool.get(pool.id) ?? 0) };
}
