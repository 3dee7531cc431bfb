import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import "./koi-metrics.ts";
import { metricsRegistry } from "./metrics-registry.ts";

// The Grafana dashboard and the alert rules query metrics by name; a renamed metric would leave
// an empty panel or an alert that never fires, silently.
const repo = path.resolve(import.meta.dirname, "../../../..");
const sources = {
  dashboard: fs.readFileSync(path.join(repo, "ops/grafana/koi.json"), "utf8"),
  alerts: fs.readFileSync(path.join(repo, "ops/koi-alerts.yml"), "utf8"),
  operations: fs.readFileSync(path.join(repo, "docs/operations.md"), "utf8"),
};

describe("ops queries", () => {
  const known = new Set(
    metricsRegistry()
      .getMetricsAsArray()
      .map((m) => m.name),
  );
  it.each(Object.entries(sources))("%s names only metrics Koi exports", (_name, text) => {
    const used = new Set([...text.matchAll(/\bkoi_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, "")));
    expect(used.size).toBeGreaterThan(3);
    for (const name of used) {
      // Prose may name a family by its prefix (`koi_queue_*`).
      if (name.endsWith("_"))
        expect(
          [...known].some((k) => k.startsWith(name)),
          name,
        ).toBe(true);
      else expect(known, name).toContain(name);
    }
  });

  it("the dashboard is valid JSON on the provisioned data source", () => {
    const dashboard = JSON.parse(sources.dashboard) as { uid: string; panels: { datasource?: { uid: string } }[] };
    expect(dashboard.uid).toBe("koi-overview");
    for (const panel of dashboard.panels) if (panel.datasource) expect(panel.datasource.uid).toBe("koi-prometheus");
  });
});
