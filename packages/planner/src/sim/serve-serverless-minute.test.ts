import { describe, expect, it } from "vitest";
import { profileReplica } from "../online/profile-replica.ts";
import { createServerlessPool } from "./serve-serverless-minute.ts";

const TARGETS = { ttftP95Ms: 1000, tpotP95Ms: 50 };
const CONFIG = { tp: 1, concurrency: 20, workersMin: 0, workersMax: 10, scaledownWindowSeconds: 60 };
const PRICE = 2 / 3600;

function pool() {
  return createServerlessPool({
    profile: (tp, speed) =>
      profileReplica({ model: "llama-3.1-8b", gpu: "L40S", tp, inputTokens: 1000, outputTokens: 250, speed }),
    pricePerGpuSecond: PRICE,
    coldStartSeconds: 30,
  });
}

describe("serverless pool minute by minute", () => {
  it("a burst with no warm worker waits for a cold start; the next minute is served warm", () => {
    const p = pool();
    const first = p.serve(0, 1, 1, 60, CONFIG, 1, TARGETS);
    expect(first.delayed).toBeCloseTo(60 * 0.5, 6);
    const second = p.serve(60, 1, 1, 60, CONFIG, 1, TARGETS);
    expect(second.delayed).toBe(0);
    expect(second.servedMeets).toBe(true);
  });

  it("traffic for only a few seconds with no warm worker is all delayed", () => {
    const p = pool();
    const blip = p.serve(0, (5 * 5) / 60, 5, 5, CONFIG, 1, TARGETS);
    expect(blip.delayed).toBeCloseTo(5 * 5, 6);
  });

  it("bills every worker from its start to the end of its scale-down window, and warm minimums all along", () => {
    const p = pool();
    p.serve(0, 1, 1, 60, CONFIG, 1, TARGETS);
    for (let t = 60; t < 600; t += 60) p.serve(t, 0, 0, 0, CONFIG, 1, TARGETS);
    // One worker: started at 0, used through the first minute, released 60 s after.
    expect(p.close(600).gpuSeconds).toBeCloseTo(120, 6);

    const warm = pool();
    warm.warmUp(2, 1, 0);
    for (let t = 0; t < 600; t += 60) warm.serve(t, 0, 0, 0, { ...CONFIG, workersMin: 2 }, 1, TARGETS);
    const closed = warm.close(600);
    expect(closed.gpuSeconds).toBeCloseTo(2 * 600, 6);
    expect(closed.cost).toBeCloseTo(2 * 600 * PRICE, 9);
  });

  it("without a serverless backend every request it would have taken fails", () => {
    const p = pool();
    expect(p.serve(0, 2, 2, 60, null, 1, TARGETS).delayed).toBe(120);
  });

  it("beyond workers_max the excess queues", () => {
    const p = pool();
    const config = { ...CONFIG, workersMax: 1 };
    p.serve(0, 5, 5, 60, config, 1, TARGETS);
    const later = p.serve(60, 500, 500, 60, config, 1, TARGETS);
    expect(later.delayed).toBeGreaterThan(0.9 * 500 * 60);
  });
});
