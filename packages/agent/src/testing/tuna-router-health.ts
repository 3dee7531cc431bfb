import type { TTunaRouterHealth } from "@koi/contracts";

/**
 * A Tuna router's `/router/health` as Tuna's own router answers it (no replica count, no policy
 * endpoint): spot ready at `skyserve_base_url`, `spot` requests routed there and the rest to
 * serverless, over `uptime` seconds.
 */
export function tunaRouterHealth(
  o: { uptime: number; spot?: number; serverless?: number; spotState?: TTunaRouterHealth["spot_state"] } & Partial<
    Pick<TTunaRouterHealth, "serverless_base_url" | "skyserve_base_url">
  >,
): TTunaRouterHealth {
  const spot = o.spot ?? 0;
  const serverless = o.serverless ?? 0;
  const total = spot + serverless;
  const ready = (o.spotState ?? "ready") === "ready";
  return {
    skyserve_ready: ready,
    spot_state: o.spotState ?? "ready",
    last_probe_ts: null,
    last_probe_err: false,
    serverless_base_url: o.serverless_base_url ?? "",
    skyserve_base_url: o.skyserve_base_url ?? "http://127.0.0.1:30001",
    route_stats: {
      total,
      spot,
      serverless,
      rejected: 0,
      pct_spot: total ? (100 * spot) / total : 0,
      pct_serverless: total ? (100 * serverless) / total : 0,
      window_total: total,
      window_spot: spot,
      window_serverless: serverless,
      gpu_seconds_spot: spot,
      gpu_seconds_serverless: serverless,
      uptime_seconds: o.uptime,
      spot_ready_seconds: ready ? o.uptime : 0,
    },
  };
}
