import type { IncomingMessage } from "node:http";
import type { TServerEnv } from "@koi/core/env";
import { metricsRegistry } from "@koi/core/metrics/metrics-registry";
import { isLoopbackAddress, scrapeAccess } from "@koi/core/metrics/scrape-access";

export type TMetricsAnswer = { status: number; headers: Record<string, string>; body: string };
export type TMetricsHandler = (req: IncomingMessage) => Promise<TMetricsAnswer>;

/**
 * `GET /metrics` on the health port: bearer token when KOI_METRICS_TOKEN is set; otherwise 404 in
 * production and loopback callers only elsewhere. Gauges are sampled first; a failed sample still
 * serves the counters (the sample's gauges keep their last values) rather than nothing.
 */
export function metricsHandler(
  config: Pick<TServerEnv, "NODE_ENV" | "KOI_METRICS_TOKEN">,
  sample: () => Promise<void>,
  onSampleError: (err: unknown) => void,
): TMetricsHandler {
  return async (req): Promise<TMetricsAnswer> => {
    const access = scrapeAccess(config, {
      authorization: req.headers.authorization,
      loopback: isLoopbackAddress(req.socket.remoteAddress),
    });
    if (access === "not_found") return { status: 404, headers: { "content-type": "text/plain" }, body: "Not found\n" };
    if (access === "unauthorized")
      return {
        status: 401,
        headers: { "content-type": "text/plain", "www-authenticate": 'Bearer realm="metrics"' },
        body: "Unauthorized\n",
      };
    await sample().catch(onSampleError);
    const registry = metricsRegistry();
    return {
      status: 200,
      headers: { "content-type": registry.contentType, "cache-control": "no-store" },
      body: await registry.metrics(),
    };
  };
}
