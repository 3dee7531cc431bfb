import { describe, expect, it } from "vitest";
import * as koi from "./koi-metrics.ts";
import { metricsRegistry, singleMetric } from "./metrics-registry.ts";

// Labels must be closed sets: anything naming one object (an id, an email, a path) would make a
// series per object and swamp Prometheus.
const UNBOUNDED_LABEL = /id$|email|user|org|path|url|message/i;

describe("Koi's metrics", () => {
  const metrics = metricsRegistry()
    .getMetricsAsArray()
    .filter((m) => m.name.startsWith("koi_"));

  it("are all registered once in the process registry", () => {
    expect(metrics.length).toBe(Object.keys(koi).length);
  });

  it("follow Prometheus naming: koi_ prefix, counters _total, histograms _seconds", async () => {
    const described = (await metricsRegistry().getMetricsAsJSON()).filter((m) => m.name.startsWith("koi_"));
    expect(described.length).toBe(metrics.length);
    for (const { name, type, help } of described) {
      expect(name, name).toMatch(/^koi_[a-z_]+$/);
      if (String(type) === "counter") expect(name).toMatch(/_total$/);
      else expect(name).not.toMatch(/_total$/);
      if (String(type) === "histogram") expect(name).toMatch(/_seconds$/);
      expect(help.length, name).toBeGreaterThan(10);
    }
  });

  it("have only low-cardinality label names", () => {
    for (const metric of metrics) {
      const labels = (metric as unknown as { labelNames: string[] }).labelNames;
      for (const label of labels) expect(label, `${metric.name}{${label}}`).not.toMatch(UNBOUNDED_LABEL);
    }
  });

  it("survive a second evaluation of their module (Next.js bundles, dev reloads)", () => {
    const again = singleMetric("koi_http_requests_total", () => {
      throw new Error("must reuse the registered metric");
    });
    expect(again).toBe(koi.httpRequests);
  });

  it("render counters and histograms with their labels in the exposition format", async () => {
    koi.httpRequests.inc({ route: "/api/v1/agents/[agentId]/heartbeat", method: "POST", status: "200" });
    koi.httpRequestDuration.observe(
      { route: "/api/v1/agents/[agentId]/heartbeat", method: "POST", status: "200" },
      0.02,
    );
    const text = await metricsRegistry().metrics();
    expect(text).toContain(
      'koi_http_requests_total{route="/api/v1/agents/[agentId]/heartbeat",method="POST",status="200"} 1',
    );
    expect(text).toMatch(
      /koi_http_request_duration_seconds_bucket\{le="0.025",route="[^"]+",method="POST",status="200"\} 1/,
    );
    expect(text).toContain("process_cpu_seconds_total");
  });
});
