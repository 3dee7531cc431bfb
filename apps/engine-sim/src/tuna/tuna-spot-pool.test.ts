import { describe, expect, it } from "vitest";
import { createRandom } from "@koi/planner/random/seeded-random";
import { SpotPool } from "./tuna-spot-pool.ts";

const policy = { min_replicas: 0, max_replicas: 5, target_qps: 2, upscale_delay: 60, downscale_delay: 300 };
const pool = (overrides: Partial<typeof policy> = {}) =>
  new SpotPool({ ...policy, ...overrides }, { provisionSeconds: 100, preemptionPerHour: 0 }, createRandom(1));

describe("SpotPool (SkyServe's request-rate autoscaler)", () => {
  it("traffic at zero replicas launches one; ready after provisioning", () => {
    const p = pool();
    p.record(0);
    expect(p.replicas).toHaveLength(1);
    expect(p.ready(99)).toBe(0);
    expect(p.ready(100)).toBe(1);
  });

  it("scales to ⌈QPS ÷ target_qps⌉ only after the upscale delay, down after the downscale delay", () => {
    const p = pool();
    const traffic = (from: number, to: number) => {
      for (let t = from; t < to; t++) p.record(t, 7); // 7 req/s: target ⌈7 ÷ 2⌉ = 4
    };
    traffic(0, 60);
    p.autoscale(59);
    expect(p.replicas).toHaveLength(1);
    traffic(60, 100);
    p.autoscale(100);
    expect(p.replicas).toHaveLength(1); // 41 s of the 60 s upscale delay
    traffic(100, 120);
    p.autoscale(120);
    expect(p.replicas).toHaveLength(4);
    p.autoscale(200); // the window has emptied: target 0
    p.autoscale(499);
    expect(p.replicas).toHaveLength(4);
    p.autoscale(501);
    expect(p.replicas).toHaveLength(0);
  });

  it("a new policy applies its floor and ceiling at once", () => {
    const p = pool();
    p.setPolicy({ ...policy, min_replicas: 3 }, 0);
    expect(p.replicas).toHaveLength(3);
    p.setPolicy({ ...policy, min_replicas: 1, max_replicas: 1 }, 10);
    expect(p.replicas).toHaveLength(1);
    p.autoscale(1000); // no traffic, but the floor holds
    expect(p.replicas).toHaveLength(1);
  });

  it("spot replicas are reclaimed at the hazard rate and counted", () => {
    const p = new SpotPool(
      { ...policy, min_replicas: 4 },
      { provisionSeconds: 0, preemptionPerHour: 3600 },
      createRandom(3),
    );
    p.setPolicy({ ...policy, min_replicas: 4 }, 0);
    expect(p.ready(3600)).toBe(0);
    expect(p.preemptions).toBe(4);
  });
});
