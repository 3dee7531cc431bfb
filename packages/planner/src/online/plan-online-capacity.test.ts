import { TP_DEGREES } from "@koi/catalog";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TLoadForecast } from "./forecast-load.ts";
import { latencyAtRate, meetsTargets } from "./latency-at-rate.ts";
import { ZTunaScalingPolicy, type TOnlineService, type TServerlessOffer, type TVmPool } from "./online-types.ts";
import { planOnlineCapacity } from "./plan-online-capacity.ts";
import { profileReplica } from "./profile-replica.ts";
import { toOnlineDecisionRow } from "./to-decision-row.ts";

const NOW = Date.UTC(2026, 6, 6, 12) / 1000;
const MIN = 60;

/** A forecast with no spread: the plan is sized for exactly `rps`. */
function flat(rps: number, now = NOW): TLoadForecast {
  return {
    now,
    basis: "seasonal",
    points: Array.from({ length: 6 }, (_, k) => ({
      start: now + k * 3600,
      end: now + (k + 1) * 3600,
      p10: rps,
      p50: rps,
      p90: rps,
    })),
    lastHour: { mid: now - 1800, rps },
    recent: { t: now, rps },
    burst: { p95: 1, p99: 1, logSd: 0, persistence: 0, intervalSeconds: 60 },
    fit: { hours: 48, persistence: 0.5, residualSd: 0.05 },
    explanation: `flat ${rps} req/s`,
  };
}

const CHAT: TOnlineService = {
  model: "llama-3.1-8b",
  avgInputTokens: 1000,
  avgOutputTokens: 250,
  ttftP95Ms: 1000,
  tpotP95Ms: 50,
};
/** A relaxed chat SLO under which one L4 serves a trickle and L40S wins at volume. */
const RELAXED: TOnlineService = { ...CHAT, ttftP95Ms: 2000, tpotP95Ms: 150 };

const pool = (id: string, gpuType: string, market: TVmPool["market"], available: number, price: number): TVmPool => ({
  id,
  gpuType,
  market,
  available,
  pricePerGpuHour: price,
});
const POOLS: TVmPool[] = [
  pool("l4-spot", "L4", "spot", 200, 0.4),
  pool("l40s-spot", "L40S", "spot", 64, 1.0),
  pool("a100-spot", "A100-80GB", "spot", 48, 0.853),
  pool("h100-spot", "H100-SXM", "spot", 32, 3.206),
  pool("a100-od", "A100-80GB", "on-demand", 64, 5.121),
];
const NIGHT_DAY_POOLS = [pool("l4-spot", "L4", "spot", 400, 0.4), pool("l40s-spot", "L40S", "spot", 64, 1.0)];
const MODAL: TServerlessOffer[] = [{ id: "modal-l40s", gpuType: "L40S", pricePerGpuHour: 1.95, coldStartSeconds: 30 }];

describe("planOnlineCapacity", () => {
  it("calls a lone candidate the only option, not 'the cheapest of 1 options'", () => {
    const plan = planOnlineCapacity({
      service: RELAXED,
      forecast: flat(1),
      // One GPU: TP 1 is the only shape that fits.
      pools: [pool("h100-spot", "H100-SXM", "spot", 1, 2.5)],
      serverless: [],
      now: NOW,
    });
    expect(plan.feasible).toBe(true);
    expect(plan.alternatives).toHaveLength(0);
    expect(plan.reason).toContain("the only option over the coming hours");
  });

  it("keeps enough spot replicas for the load and says so in Tuna's own policy fields", () => {
    const plan = planOnlineCapacity({ service: CHAT, forecast: flat(30), pools: POOLS, serverless: MODAL, now: NOW });
    expect(plan.feasible).toBe(true);
    expect(plan.kind).toBe("initial");
    expect(plan.variant?.market).toBe("spot");
    expect(ZTunaScalingPolicy.parse(plan.tuna)).toEqual(plan.tuna);
    expect(plan.tuna.spot.min_replicas).toBe(Math.ceil(30 / plan.spot.ratePerReplica));
    expect(plan.tuna.spot.target_qps).toBe(Math.floor(plan.spot.ratePerReplica));
    expect(plan.tuna.spot.max_replicas).toBeGreaterThanOrEqual(plan.tuna.spot.min_replicas);
    expect(plan.serverless).toMatchObject({ offerId: "modal-l40s", workersMin: 0 });
    expect(plan.tuna.serverless.concurrency).toBe(plan.serverless!.concurrency);
    expect(plan.predictedLatency.tpotP95Ms).toBeLessThanOrEqual(CHAT.tpotP95Ms);
    expect(plan.costPerHour).toBeCloseTo(plan.tuna.spot.min_replicas * 0.853 * plan.variant!.tp, 6);
    expect(plan.alternatives.length).toBeGreaterThan(0);
    for (const a of plan.alternatives) expect(a.costDelta).toBeCloseTo(a.costPerHour - plan.costPerHour, 9);
    expect(plan.reason).toMatch(/A100-80GB spot TP\d .*TTFT p95 ≤ 1000 ms and TPOT p95 ≤ 50 ms/);
    const row = toOnlineDecisionRow(plan, flat(30));
    expect(row).toMatchObject({ kind: "initial", reason: plan.reason, plan: { tuna: plan.tuna } });
    expect(row.alternatives).toHaveLength(plan.alternatives.length);
  });

  it.each([
    { label: "a night trickle runs on L4", rps: 0.3, gpu: "L4" },
    { label: "the afternoon peak runs on L40S", rps: 20, gpu: "L40S" },
  ])("$label", ({ rps, gpu }) => {
    const plan = planOnlineCapacity({
      service: RELAXED,
      forecast: flat(rps),
      pools: NIGHT_DAY_POOLS,
      serverless: [],
      now: NOW,
    });
    expect(plan.variant?.gpuType).toBe(gpu);
  });

  it("switches variant only after the cheaper one has stayed cheaper, and brings the new one up before the old goes", () => {
    const night = planOnlineCapacity({
      service: RELAXED,
      forecast: flat(0.3),
      pools: NIGHT_DAY_POOLS,
      serverless: [],
      now: NOW,
    });
    expect(night.variant?.gpuType).toBe("L4");
    const at = (minutes: number) =>
      planOnlineCapacity({
        service: RELAXED,
        forecast: flat(20, NOW + minutes * MIN),
        pools: NIGHT_DAY_POOLS,
        serverless: [],
        now: NOW + minutes * MIN,
        state: night.state,
        currentReplicas: night.spot.minReplicas,
      });
    const first = at(5);
    expect(first.variant?.gpuType).toBe("L4");
    expect(first.switchPlan).toBeNull();
    expect(first.reason).toContain("Not switching to L40S spot");
    const waiting = planOnlineCapacity({
      service: RELAXED,
      forecast: flat(20, NOW + 20 * MIN),
      pools: NIGHT_DAY_POOLS,
      serverless: [],
      now: NOW + 20 * MIN,
      state: first.state,
      currentReplicas: first.spot.minReplicas,
    });
    expect(waiting.variant?.gpuType).toBe("L4");
    const switched = planOnlineCapacity({
      service: RELAXED,
      forecast: flat(20, NOW + 36 * MIN),
      pools: NIGHT_DAY_POOLS,
      serverless: [],
      now: NOW + 36 * MIN,
      state: waiting.state,
      currentReplicas: waiting.spot.minReplicas,
    });
    expect(switched.kind).toBe("swap");
    expect(switched.variant?.gpuType).toBe("L40S");
    const steps = switched.switchPlan!.steps;
    expect(steps[0]!.action).toMatch(/^deploy .*L40S/);
    expect(steps.at(-1)!.action).toMatch(/tear it down/);
    expect(steps.at(-1)!.afterSeconds).toBeGreaterThan(
      steps.find((s) => s.action.includes("/router/config"))!.afterSeconds,
    );
    expect(switched.switchPlan!.overlapCost).toBeGreaterThan(0);
    expect(switched.switchPlan!.savingPerHour).toBeGreaterThan(0);

    // One low forecast right after the switch does not send it back.
    const wobble = planOnlineCapacity({
      service: RELAXED,
      forecast: flat(0.3, NOW + 41 * MIN),
      pools: NIGHT_DAY_POOLS,
      serverless: [],
      now: NOW + 41 * MIN,
      state: switched.state,
      currentReplicas: switched.spot.minReplicas,
    });
    expect(wobble.variant?.gpuType).toBe("L40S");
    expect(wobble.kind).not.toBe("swap");
  });

  it("switches at once when the current variant can no longer carry the load", () => {
    const night = planOnlineCapacity({
      service: RELAXED,
      forecast: flat(0.3),
      pools: NIGHT_DAY_POOLS,
      serverless: [],
      now: NOW,
    });
    const small = [pool("l4-spot", "L4", "spot", 4, 0.4), NIGHT_DAY_POOLS[1]!];
    const plan = planOnlineCapacity({
      service: RELAXED,
      forecast: flat(20, NOW + 5 * MIN),
      pools: small,
      serverless: [],
      now: NOW + 5 * MIN,
      state: night.state,
      currentReplicas: night.spot.minReplicas,
    });
    expect(plan.kind).toBe("swap");
    expect(plan.variant?.gpuType).toBe("L40S");
  });

  it("keeps a spare replica when spot reclaims are frequent enough to matter", () => {
    const calm = planOnlineCapacity({
      service: CHAT,
      forecast: flat(30),
      pools: [POOLS[2]!],
      serverless: MODAL,
      now: NOW,
    });
    const stormy = planOnlineCapacity({
      service: CHAT,
      forecast: flat(30),
      pools: [{ ...POOLS[2]!, preemptionRatePerHour: 0.01 }],
      serverless: MODAL,
      now: NOW,
    });
    expect(stormy.spot.minReplicas).toBe(calm.spot.minReplicas + 1);
  });

  it("serves a reported surprise above the forecast, and a slower measured speed needs more replicas", () => {
    const base = planOnlineCapacity({
      service: CHAT,
      forecast: flat(10),
      pools: [POOLS[2]!],
      serverless: [],
      now: NOW,
    });
    const surprise = planOnlineCapacity({
      service: CHAT,
      forecast: flat(10),
      currentRps: 25,
      pools: [POOLS[2]!],
      serverless: [],
      now: NOW,
    });
    expect(surprise.sizing.windowRps).toBe(25);
    expect(surprise.spot.minReplicas).toBeGreaterThan(base.spot.minReplicas);
    const options = { tpChoices: [1] };
    const modelled = planOnlineCapacity({
      service: CHAT,
      forecast: flat(10),
      pools: [POOLS[2]!],
      serverless: [],
      now: NOW,
      options,
    });
    const slow = planOnlineCapacity({
      service: CHAT,
      forecast: flat(10),
      pools: [POOLS[2]!],
      serverless: [],
      now: NOW,
      options,
      speed: { "A100-80GB|tp1": 0.6 },
    });
    expect(slow.spot.ratePerReplica).toBeLessThan(modelled.spot.ratePerReplica);
    expect(slow.spot.minReplicas).toBeGreaterThan(modelled.spot.minReplicas);
    // A speed measured at another TP of the same GPU counts before the prior.
    const otherTp = planOnlineCapacity({
      service: CHAT,
      forecast: flat(10),
      pools: [POOLS[2]!],
      serverless: [],
      now: NOW,
      options,
      speed: { "A100-80GB|tp2": 0.6 },
      unmeasuredSpeed: 1.5,
    });
    expect(otherTp.spot.ratePerReplica).toBeCloseTo(slow.spot.ratePerReplica, 9);
  });

  describe("when the SLO cannot be met", () => {
    it.each([
      { label: "TPOT below what any GPU reaches", service: { ...CHAT, tpotP95Ms: 2 }, target: "tpot" },
      {
        label: "TTFT below a lone prompt's prefill",
        service: { ...CHAT, avgInputTokens: 8000, ttftP95Ms: 20 },
        target: "ttft",
      },
    ])("$label: names the target and the best achievable, and still serves best-effort", ({ service, target }) => {
      const plan = planOnlineCapacity({ service, forecast: flat(10), pools: POOLS, serverless: MODAL, now: NOW });
      expect(plan.feasible).toBe(false);
      expect(plan.kind).toBe("slo_unreachable");
      expect(plan.binding?.target).toBe(target);
      const best = target === "tpot" ? plan.binding!.bestTpotP95Ms! : plan.binding!.bestTtftP95Ms!;
      expect(best).toBeGreaterThan(target === "tpot" ? service.tpotP95Ms : service.ttftP95Ms);
      expect(plan.reason).toContain("cannot be met");
      expect(plan.tuna.spot.min_replicas).toBeGreaterThan(0);
      const row = toOnlineDecisionRow(plan, flat(10));
      expect(row.kind).toBe("slo_unreachable");
      expect(JSON.parse(JSON.stringify(row))).toEqual(row);
    });

    it("a rate no pool can serve: names the most any deployment carries", () => {
      const plan = planOnlineCapacity({
        service: CHAT,
        forecast: flat(500),
        pools: [pool("l40s-spot", "L40S", "spot", 4, 1.0)],
        serverless: [],
        now: NOW,
      });
      expect(plan.feasible).toBe(false);
      expect(plan.binding?.target).toBe("rate");
      expect(plan.binding!.bestRps).toBeGreaterThan(0);
      expect(plan.binding!.bestRps).toBeLessThan(500);
      expect(plan.tuna.spot.min_replicas).toBe(plan.tuna.spot.max_replicas);
      expect(plan.reason).toMatch(/more than any single deployment can serve/);
    });

    it("planned again while its best-effort replicas run, keeps them instead of flapping to serverless", () => {
      const serverless = [{ ...MODAL[0]!, maxWorkers: 1 }];
      const first = planOnlineCapacity({
        service: CHAT,
        forecast: flat(500),
        pools: [pool("l40s-spot", "L40S", "spot", 4, 1.0)],
        serverless,
        now: NOW,
      });
      const n = first.tuna.spot.min_replicas;
      expect(n * first.variant!.tp).toBe(4); // every GPU of the pool
      expect(first.state).toMatchObject({ key: expect.stringContaining("l40s-spot"), replicas: n });
      // As the service plans it next: its running replicas are its own, the pool has none left.
      const next = planOnlineCapacity({
        service: CHAT,
        forecast: flat(500),
        pools: [pool("l40s-spot", "L40S", "spot", 0, 1.0)],
        serverless,
        now: NOW + 300,
        state: first.state,
        currentReplicas: n,
      });
      expect(next.kind).toBe("slo_unreachable");
      expect(next.variant?.poolId).toBe("l40s-spot");
      expect(next.tuna.spot).toMatchObject({ min_replicas: n, max_replicas: n });
      expect(next.state.since).toBe(NOW);
    });

    it("a rate only serverless comes closest to: every worker kept warm, as busy as the SLO allows", () => {
      const plan = planOnlineCapacity({
        service: RELAXED,
        forecast: flat(500),
        pools: [],
        serverless: [{ ...MODAL[0]!, maxWorkers: 2 }],
        now: NOW,
      });
      expect(plan.binding?.target).toBe("rate");
      expect(plan.tuna.spot).toMatchObject({ min_replicas: 0, max_replicas: 0 });
      expect(plan.tuna.serverless).toMatchObject({ workers_min: 2, workers_max: 2 });
      expect(plan.tuna.serverless.concurrency).toBe(plan.serverless!.concurrency);
      expect(plan.tuna.serverless.concurrency).toBeGreaterThan(1);
      expect(plan.state).toMatchObject({ key: "serverless", replicas: 2 });
      expect(plan.reason).toMatch(/Best effort: all 2 serverless L40S TP\d workers, kept warm/);
    });

    it("a model that fits on no offered GPU", () => {
      const plan = planOnlineCapacity({
        service: { ...CHAT, model: "llama-3.1-405b" },
        forecast: flat(1),
        pools: [pool("l4-spot", "L4", "spot", 8, 0.4)],
        serverless: [],
        now: NOW,
      });
      expect(plan.binding?.target).toBe("memory");
      expect(plan.reason).toContain("fits on none of the offered GPUs");
    });
  });

  it("property: a feasible plan keeps the SLO at the load it was sized for, and costs no more than the cheapest single variant that does", () => {
    const models = ["llama-3.1-8b", "qwen2.5-7b", "mistral-7b", "llama-3.1-70b"];
    fc.assert(
      fc.property(
        fc.constantFrom(...models),
        fc.integer({ min: 100, max: 3000 }),
        fc.integer({ min: 50, max: 600 }),
        fc.integer({ min: 300, max: 5000 }),
        fc.integer({ min: 20, max: 200 }),
        fc.double({ min: 0.1, max: 60, noNaN: true }),
        (model, input, output, ttft, tpot, rps) => {
          const service: TOnlineService = {
            model,
            avgInputTokens: input,
            avgOutputTokens: output,
            ttftP95Ms: ttft,
            tpotP95Ms: tpot,
          };
          const plan = planOnlineCapacity({ service, forecast: flat(rps), pools: POOLS, serverless: MODAL, now: NOW });
          if (!plan.feasible) return;
          const targets = { ttftP95Ms: ttft, tpotP95Ms: tpot };
          const shape = { model, inputTokens: input, outputTokens: output };
          if (plan.variant) {
            const profile = profileReplica({ ...shape, gpu: plan.variant.gpuType, tp: plan.variant.tp });
            expect(meetsTargets(latencyAtRate(profile, rps / plan.spot.minReplicas), targets)).toBe(true);
          }
          // Brute force: every single variant (and serverless alone), the fewest replicas that keep the SLO.
          let cheapest = Infinity;
          for (const p of POOLS)
            for (const tp of TP_DEGREES) {
              const profile = profileReplica({ ...shape, gpu: p.gpuType, tp });
              if (!profile.fits) continue;
              for (let n = 1; n * tp <= p.available; n++)
                if (meetsTargets(latencyAtRate(profile, rps / n), targets)) {
                  cheapest = Math.min(cheapest, n * tp * p.pricePerGpuHour);
                  break;
                }
            }
          for (const tp of TP_DEGREES) {
            const profile = profileReplica({ ...shape, gpu: "L40S", tp });
            if (!profile.fits) continue;
            for (let n = 1; n < 1000; n++)
              if (meetsTargets(latencyAtRate(profile, rps / n), targets)) {
                cheapest = Math.min(cheapest, n * tp * 1.95);
                break;
              }
          }
          expect(plan.costPerHour).toBeLessThanOrEqual(cheapest * (1 + 1e-6));
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);
});
