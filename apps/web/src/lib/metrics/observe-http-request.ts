import { httpRequestDuration, httpRequests } from "@koi/core/metrics/koi-metrics";

/** One answered request into the request counter and the latency histogram. */
export function observeHttpRequest(route: string, method: string, status: number, seconds: number): void {
  const labels = { route, method, status: String(status) };
  httpRequests.inc(labels);
  httpRequestDuration.observe(labels, seconds);
}
