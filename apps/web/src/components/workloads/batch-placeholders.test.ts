import { describe, expect, it } from "vitest";
import { batchPlaceholders } from "./batch-placeholders.ts";

describe("batchPlaceholders", () => {
  it.each(["PENDING", "PLANNING", "DISPATCHING", "RUNNING", "PAUSED"] as const)(
    "%s: the forecast and metrics are still coming",
    (status) => {
      const p = batchPlaceholders(status, true);
      expect(p.finishLabel).toBe("Forecast finish (P50)");
      expect(p.noForecast.title).toBe("No forecast yet");
      expect(p.noMetrics).toMatch(/appear with its first report/);
    },
  );

  it.each([
    ["FAILED", false, "Failed", "The workload failed before it ran on an engine."],
    ["FAILED", true, "Failed", "The workload failed before the engine reported progress."],
    ["CANCELLED", false, "Cancelled", "The workload was cancelled before it ran on an engine."],
    ["COMPLETED", true, "Finished", "The workload finished before the engine reported progress."],
  ] as const)("%s (ran: %s): no promise, its end labelled %s", (status, ran, label, body) => {
    const p = batchPlaceholders(status, ran);
    expect(p.finishLabel).toBe(label);
    expect(p.noForecast).toEqual({ title: "No forecast", body });
    expect(p.noMetrics).not.toMatch(/appear|once/);
  });
});
