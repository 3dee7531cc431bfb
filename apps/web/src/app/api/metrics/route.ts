import { clientIp } from "@koi/auth/client-ip";
import { env } from "@koi/core/env";
import { metricsRegistry } from "@koi/core/metrics/metrics-registry";
import { isLoopbackAddress, scrapeAccess } from "@koi/core/metrics/scrape-access";
import "@koi/core/metrics/koi-metrics";

export const dynamic = "force-dynamic";

/**
 * Prometheus scrape of this web process. Production: only with `Authorization: Bearer
 * $KOI_METRICS_TOKEN` (no token configured → 404). Development: this machine only (the client
 * address Koi's web server took from the socket).
 */
export async function GET(request: Request): Promise<Response> {
  const access = scrapeAccess(env(), {
    authorization: request.headers.get("authorization"),
    loopback: isLoopbackAddress(clientIp(request.headers)),
  });
  if (access === "not_found") return new Response("Not found\n", { status: 404 });
  if (access === "unauthorized")
    return new Response("Unauthorized\n", { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } });
  const registry = metricsRegistry();
  return new Response(await registry.metrics(), {
    headers: { "content-type": registry.contentType, "cache-control": "no-store" },
  });
}
