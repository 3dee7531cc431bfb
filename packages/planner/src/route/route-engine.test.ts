import { describe, expect, it } from "vitest";
import type { TWorkload } from "../types.ts";
import { routeEngine, type TRoutePlan } from "./route-engine.ts";

const batch = (deadlineHours: number): TWorkload => ({
  kind: "batch",
  model: "llama-3.1-8b",
  requests: 1000,
  avgInputTokens: 500,
  avgOutputTokens: 100,
  deadlineHours,
});
const online: TWorkload = {
  kind: "online",
  model: "llama-3.1-8b",
  requestsPerSecond: 5,
  avgInputTokens: 500,
  avgOutputTokens: 100,
  ttftP95Ms: 800,
  tpotP95Ms: 60,
};
const plan = (...markets: TRoutePlan["replicas"][number]["market"][]): TRoutePlan => ({
  replicas: markets.map((market) => ({ market, count: 1, tp: 1 })),
  costPerHour: 4,
});

describe("routeEngine", () => {
  it.each([
    ["online traffic", online, undefined, "tuna", /router/],
    ["a batch job", batch(4), plan("spot", "on-demand"), "orca", /batch job/],
    ["a batch job with no plan yet", batch(4), undefined, "orca", /batch job/],
    ["a deadline shorter than VM provisioning", batch(0.25), plan("spot"), "tuna", /provision/],
    ["a plan that is mostly serverless", batch(4), plan("serverless", "serverless", "spot"), "tuna", /serverless/],
    ["a plan that is half serverless", batch(4), plan("serverless", "spot"), "orca", /batch job/],
  ] as const)("%s → %s", (_name, workload, routePlan, engine, reason) => {
    const decision = routeEngine(workload, routePlan);
    expect(decision.engine).toBe(engine);
    expect(decision.reason).toMatch(reason);
  });

  it("counts a replica's GPUs as TP × PP: 4 serverless GPUs beside one TP 2 × PP 2 spot replica are half, not most", () => {
    const mixed: TRoutePlan = {
      replicas: [
        { market: "serverless", count: 1, tp: 4 },
        { market: "spot", count: 1, tp: 2, pp: 2 },
      ],
      costPerHour: 4,
    };
    expect(routeEngine(batch(4), mixed).engine).toBe("orca");
    expect(
      routeEngine(batch(4), { ...mixed, replicas: [mixed.replicas[0]!, { ...mixed.replicas[1]!, pp: 1 }] }).engine,
    ).toBe("tuna");
  });

  it("states a deadline measured from a moment ago in hours and minutes, not 1.9999711 h", () => {
    expect(routeEngine(batch(1.9999711)).reason).toContain("a 2h deadline");
    expect(routeEngine(batch(0.25)).reason).toContain("the 15m deadline");
  });
});
