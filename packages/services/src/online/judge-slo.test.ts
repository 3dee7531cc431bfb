import { describe, expect, it } from "vitest";
import { judgeSlo, type TLatencyPoint } from "./judge-slo.ts";

const targets = { ttftP95Ms: 2000, tpotP95Ms: 100 };
const at = (t: number, ttft: number | null, tpot: number | null): TLatencyPoint => ({
  t,
  ttftP95Ms: ttft,
  tpotP95Ms: tpot,
});
const base = { targets, forecastP90: 2, provisionedRps: 4, feasible: true, binding: null };

describe("judgeSlo", () => {
  it.each([
    ["within targets", [at(0, 500, 50), at(600, 600, 60)], 600, "ON_TRACK", null],
    ["a blip under the sustained window", [at(0, 500, 50), at(500, 2500, 50), at(600, 2600, 50)], 600, "ON_TRACK", 500],
    ["over for 5 min", [at(0, 500, 50), at(300, 500, 150), at(600, 500, 140)], 600, "AT_RISK", 300],
    ["recovered", [at(0, 3000, 50), at(300, 3000, 50), at(600, 500, 50)], 600, "ON_TRACK", null],
    ["no request finished: no latency to judge", [at(0, null, null)], 600, "ON_TRACK", null],
  ] as const)("%s", (_label, samples, now, status, since) => {
    const j = judgeSlo({ ...base, samples, now });
    expect(j.status).toBe(status);
    expect(j.breachSince).toBe(since);
  });

  it("forecast above what is provisioned, or an unreachable SLO, is at risk with the reason", () => {
    expect(judgeSlo({ ...base, samples: [], now: 0, forecastP90: 5 }).reasons).toEqual([
      "next hour's P90 load 5.0 req/s is above the 4.0 req/s provisioned",
    ]);
    expect(
      judgeSlo({ ...base, samples: [], now: 0, feasible: false, binding: "TTFT 50 ms unreachable" }),
    ).toMatchObject({
      status: "AT_RISK",
      reasons: ["TTFT 50 ms unreachable"],
    });
  });
});
