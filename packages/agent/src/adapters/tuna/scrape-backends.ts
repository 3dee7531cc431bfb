import type { TBackendName, TScrapeResult } from "./tuna-online-sample.ts";
import { isLoopback } from "./tuna-config.ts";
import { readVllmMetrics } from "./vllm-scrape.ts";

/**
 * The vLLM /metrics of the backends the router names, read only from a backend the router sent
 * requests to since the last poll: a GET through SkyServe's load balancer counts as traffic to its
 * autoscaler, and one to a serverless endpoint wakes a GPU worker, so scraping an idle backend
 * would keep paid GPUs up (one poll interval past the last real request is the most it adds;
 * a backend is also read once when first seen, for a baseline). A
 * backend that does not answer, or that the router names by its own loopback address while the
 * agent runs elsewhere, is named in `errors`. The serverless endpoint is read with the token the
 * router sends it (as Tuna's router does, `Authorization: Bearer`), when the agent has it.
 */
export async function scrapeBackends(
  doFetch: typeof fetch,
  routerUrl: string,
  h: { skyserve_base_url: string; serverless_base_url: string },
  routed: Record<TBackendName, number>,
  serverlessToken: string | null,
): Promise<TScrapeResult> {
  const result: TScrapeResult = { errors: [] };
  const targets = [
    ["spot", h.skyserve_base_url],
    ["serverless", h.serverless_base_url],
  ] as const;
  await Promise.all(
    targets.map(async ([name, base]) => {
      if (!base || routed[name] <= 0) return;
      if (isLoopback(base) && !isLoopback(routerUrl)) {
        result.errors.push(
          `${name} ${base}/metrics: the router's own loopback address, unreachable from this agent (run it on the router's host to read it)`,
        );
        return;
      }
      try {
        const token = name === "serverless" ? serverlessToken : null;
        const response = await doFetch(`${base.replace(/\/+$/, "")}/metrics`, {
          signal: AbortSignal.timeout(3000),
          ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
        });
        if (response.status === 401 && name === "serverless" && !token)
          throw new Error("answered 401: give the agent the router's serverless token (KOI_TUNA_SERVERLESS_TOKEN)");
        if (!response.ok) throw new Error(`answered ${response.status}`);
        result[name] = readVllmMetrics(await response.text());
      } catch (error) {
        result.errors.push(`${name} ${base}/metrics: ${error instanceof Error ? error.message : String(error)}`);
      }
    }),
  );
  return result;
}
