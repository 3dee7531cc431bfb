import { describe, expect, it } from "vitest";
import { currentCostPerHour, projectCost } from "./project-cost.ts";

const now = new Date("2026-05-01T12:00:00Z");
const batch = {
  kind: "batch",
  costUsd: 11,
  progressDone: 3_000,
  progressTotal: 10_000,
  predictedCostUsd: 12.6,
  forecast: { p50: "2026-05-01T13:10:00Z" },
};

describe("currentCostPerHour", () => {
  it("prices each live placement at its replicas × per-replica $/h", () => {
    expect(
      currentCostPerHour([
        { placement: { replicas: 2, replicaCostPerHour: 16.35 } },
        { placement: { count: 1, replicaCostPerHour: 1.1 } },
      ]),
    ).toBeCloseTo(33.8);
  });

  it("is null when no placement carries a price", () => {
    expect(currentCostPerHour([{ placement: { replicas: 2 } }, { placement: null }])).toBeNull();
    expect(currentCostPerHour([])).toBeNull();
  });

  it("takes a price or replica count that is not a finite number as absent", () => {
    expect(currentCostPerHour([{ placement: { replicas: 2, replicaCostPerHour: Number.NaN } }])).toBeNull();
    expect(currentCostPerHour([{ placement: { replicas: Infinity, count: 3, replicaCostPerHour: 2 } }])).toBe(6);
  });
});

describe("projectCost", () => {
  it("after a scale-up from 1 to 2 replicas, projects at the new size, not the original plan", () => {
    const before = projectCost(batch, 16.35, now);
    const after = projectCost(batch, 32.7, now);
    // 70 minutes to the P50 finish.
    expect(before).toBeCloseTo(11 + 16.35 * (70 / 60));
    expect(after).toBeCloseTo(11 + 32.7 * (70 / 60));
    expect(after).not.toBeCloseTo(batch.predictedCostUsd);
  });

  it("adds nothing once the forecast finish has passed", () => {
    expect(projectCost({ ...batch, forecast: { p50: "2026-05-01T11:00:00Z" } }, 32.7, now)).toBe(11);
  });

  it("without a price or forecast, scales the spend once 5% is done, else keeps the plan's figure", () => {
    expect(projectCost({ ...batch, forecast: {} }, 32.7, now)).toBeCloseTo(11 / 0.3);
    expect(projectCost(batch, null, now)).toBeCloseTo(11 / 0.3);
    expect(projectCost({ ...batch, progressDone: 100 }, null, now)).toBe(12.6);
  });

  it("scales the spend from exactly 5% done", () => {
    expect(projectCost({ ...batch, progressDone: 500 }, null, now)).toBeCloseTo(11 / 0.05);
  });

  it("keeps the plan's figure when the total is 0, however much is counted done", () => {
    expect(projectCost({ ...batch, progressTotal: 0, progressDone: 500 }, null, now)).toBe(12.6);
  });

  it("is null for an online service, which has no finish", () => {
    expect(projectCost({ ...batch, kind: "online" }, 1.1, now)).toBeNull();
  });
});
