import { describe, expect, it } from "vitest";
import { generateFleetTrace } from "./generate-fleet-trace.ts";
import { peakLoad } from "./replica-throughput.ts";

describe("generateFleetTrace", () => {
  const trace = generateFleetTrace();

  it("is reproducible and changes with the seed", () => {
    const again = generateFleetTrace();
    expect(again.jobs).toEqual(trace.jobs);
    expect(Array.from(again.services[0]!.loadRps.slice(0, 100))).toEqual(
      Array.from(trace.services[0]!.loadRps.slice(0, 100)),
    );
    expect(generateFleetTrace({ seed: 2 }).jobs).not.toEqual(trace.jobs);
  });

  it("produces a week of jobs in arrival order with deadlines after arrival", () => {
    expect(trace.jobs.length).toBeGreaterThan(60);
    expect(trace.jobs.length).toBeLessThan(160);
    for (const [i, j] of trace.jobs.entries()) {
      expect(j.deadline).toBeGreaterThan(j.arrival);
      expect(j.arrival).toBeLessThan(trace.horizonSeconds);
      if (i > 0) expect(j.arrival).toBeGreaterThanOrEqual(trace.jobs[i - 1]!.arrival);
    }
  });

  it("shapes online load as a day/night cycle around the nominal peak", () => {
    for (const s of trace.services) {
      expect(peakLoad(s)).toBeGreaterThan(0.9 * s.peakRps);
      expect(peakLoad(s)).toBeLessThan(1.4 * s.peakRps);
      const night = s.loadRps[3 * 60]!; // 03:00 on day 1
      const afternoon = s.loadRps[15 * 60]!;
      expect(afternoon).toBeGreaterThan(3 * night);
      expect(s.loadRps.every((x) => x >= 0)).toBe(true);
    }
  });

  it("gives every spot pool a preemption hazard from its Spot Advisor band", () => {
    for (const p of trace.pools) {
      if (p.market === "spot") expect(p.preemptionRatePerHour).toBeGreaterThan(0);
      else expect(p.preemptionRatePerHour).toBeUndefined();
    }
    expect(trace.trueFactor("llama-3.1-8b", "H100-SXM")).toBe(trace.trueFactor("llama-3.1-8b", "H100-SXM"));
  });
});
