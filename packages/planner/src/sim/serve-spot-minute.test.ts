import { describe, expect, it } from "vitest";
import { profileReplica } from "../online/profile-replica.ts";
import { serveSpotMinute } from "./serve-spot-minute.ts";

const PROFILE = profileReplica({
  model: "llama-3.1-8b",
  gpu: "A100-80GB",
  tp: 1,
  inputTokens: 1000,
  outputTokens: 250,
});
const TARGETS = { ttftP95Ms: 1000, tpotP95Ms: 50 };
const T = 600;
const minute = (spans: [number, number][], load: number, extra: { reclaimed?: number; backlog?: number } = {}) =>
  serveSpotMinute({
    t: T,
    load,
    spans,
    reclaimed: extra.reclaimed ?? 0,
    backlog: extra.backlog ?? 0,
    profile: PROFILE,
    targets: TARGETS,
  });

describe("serveSpotMinute", () => {
  it.each([
    {
      label: "no replica ready: nothing goes to spot",
      spans: [] as [number, number][],
      load: 4,
      spotSeconds: 0,
      why: null,
    },
    {
      label: "two replicas all minute at a light load",
      spans: [
        [T, T + 60],
        [T, T + 60],
      ] as [number, number][],
      load: 4,
      spotSeconds: 60,
      why: null,
    },
    {
      label: "spot comes up half way: a poke later",
      spans: [[T + 30, T + 60]] as [number, number][],
      load: 2,
      spotSeconds: 25,
      why: null,
    },
    {
      label: "one replica far over its rate: a backlog builds",
      spans: [[T, T + 60]] as [number, number][],
      load: 20,
      spotSeconds: 60,
      why: "backlog",
    },
  ])("$label", ({ spans, load, spotSeconds, why }) => {
    const r = minute(spans, load);
    expect(r.spotSeconds).toBeCloseTo(spotSeconds, 9);
    expect(r.why).toBe(why);
    if (why === null) expect(r.failing).toBe(0);
    else expect(r.failing).toBeCloseTo(load * spotSeconds, 9);
  });

  it("a reclaimed replica's in-flight requests fail over, and the router spends a poke on serverless", () => {
    const r = minute(
      [
        [T, T + 60],
        [T, T + 20],
      ],
      4,
      { reclaimed: 1 },
    );
    expect(r.spotSeconds).toBe(55);
    expect(r.why).toBe("reclaim");
    expect(r.failing).toBeCloseTo(r.observed!.concurrency, 9);
  });

  it("a backlog from earlier minutes adds its wait to TTFT until it drains", () => {
    const drained = minute(
      [
        [T, T + 60],
        [T, T + 60],
      ],
      4,
      { backlog: 3 },
    );
    expect(drained.backlog).toBe(0);
    const stuck = minute([[T, T + 60]], 6.5, { backlog: 5000 });
    expect(stuck.backlog).toBeGreaterThan(0);
    expect(stuck.why).toBe("backlog");
  });
});
