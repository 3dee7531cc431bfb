import { z } from "zod";

/**
 * `route_stats` as Tuna's router reports it on `GET /router/health` (ENGINE_CONTRACTS D.1). The
 * agent forwards the real numbers, so unknown keys pass through and only the fields the cost
 * formulas read are required.
 */
export const ZTunaRouteStats = z
  .object({
    total: z.number().int().nonnegative(),
    spot: z.number().int().nonnegative(),
    serverless: z.number().int().nonnegative(),
    gpu_seconds_spot: z.number().nonnegative(),
    gpu_seconds_serverless: z.number().nonnegative(),
    uptime_seconds: z.number().nonnegative(),
    spot_ready_seconds: z.number().nonnegative(),
  })
  .loose();
export type TTunaRouteStats = z.infer<typeof ZTunaRouteStats>;

/** All USD per GPU-hour, as `tuna cost` looks them up (serverless catalog, SkyPilot spot / OD). */
export const ZTunaPrices = z.object({
  serverlessPerGpuHour: z.number().nonnegative(),
  spotPerGpuHour: z.number().nonnegative(),
  onDemandPerGpuHour: z.number().nonnegative(),
});
export type TTunaPrices = z.infer<typeof ZTunaPrices>;

export const ZTunaDeployment = z.object({
  gpuCount: z.number().int().positive(),
  /** `router_metadata.colocated`: router on the SkyServe controller VM, so Tuna charges it nothing. */
  colocated: z.boolean(),
});
export type TTunaDeployment = z.infer<typeof ZTunaDeployment>;

export type TTunaCostReport = {
  avgComputePerReq: number;
  actualServerless: number;
  actualSpot: number;
  actualRouter: number;
  actualTotal: number;
  allServerless: number;
  allOnDemand: number;
  savingsVsServerless: number;
  savingsVsOnDemand: number;
};

/** Tuna bills its own router VM at this flat rate when it is not colocated (`tuna cost`). */
export const TUNA_ROUTER_USD_PER_HOUR = 0.04;

/**
 * Reproduces `tuna cost --service-name X` (ENGINE_CONTRACTS D.2) so Koi's numbers match what the
 * customer sees from Tuna's CLI. Each expression keeps Python's left-to-right operation order so
 * the IEEE-754 results are identical bit for bit, not merely close. The formulas' known biases
 * (wall-clock gpu_seconds, no gpu_count on serverless, spot billed only while `ready`) are kept on
 * purpose; `costTunaTrace(…, "koi")` is the exact accounting.
 */
export function tunaCostFromRouteStats(
  routeStats: TTunaRouteStats,
  prices: TTunaPrices,
  deployment: TTunaDeployment,
): TTunaCostReport {
  const stats = ZTunaRouteStats.parse(routeStats);
  const { serverlessPerGpuHour, spotPerGpuHour, onDemandPerGpuHour } = ZTunaPrices.parse(prices);
  const { gpuCount, colocated } = ZTunaDeployment.parse(deployment);

  const avgComputePerReq = stats.spot === 0 ? 0 : stats.gpu_seconds_spot / stats.spot;
  const actualServerless = ((stats.serverless * avgComputePerReq) / 3600) * serverlessPerGpuHour;
  const actualSpot = (stats.spot_ready_seconds / 3600) * spotPerGpuHour * gpuCount;
  const actualRouter = (stats.uptime_seconds / 3600) * (colocated ? 0.0 : TUNA_ROUTER_USD_PER_HOUR);
  const actualTotal = actualServerless + actualSpot + actualRouter;
  const allServerless = (((stats.serverless + stats.spot) * avgComputePerReq) / 3600) * serverlessPerGpuHour;
  const allOnDemand = (stats.uptime_seconds / 3600) * onDemandPerGpuHour * gpuCount;
  return {
    avgComputePerReq,
    actualServerless,
    actualSpot,
    actualRouter,
    actualTotal,
    allServerless,
    allOnDemand,
    savingsVsServerless: allServerless - actualTotal,
    savingsVsOnDemand: allOnDemand - actualTotal,
  };
}
