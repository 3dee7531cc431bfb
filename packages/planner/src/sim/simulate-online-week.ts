import { profileReplica } from "../online/profile-replica.ts";
import type { TRateSample } from "../online/forecast-load.ts";
import { createRandom } from "../random/seeded-random.ts";
import { stepSkyServe, type TAutoscalerState } from "./autoscale-skyserve.ts";
import type { TFleetTrace, TOnlineServiceSpec } from "./fleet-types.ts";
import type {
  TLatencyObservation,
  TOnlineAction,
  TOnlinePolicyFactory,
  TOnlineWeekResult,
  TServerlessConfig,
  TServicePolicy,
  TServiceResult,
  TServiceView,
  TSpotPolicy,
} from "./online-week-types.ts";
import { createServerlessPool } from "./serve-serverless-minute.ts";
import { serveSpotMinute } from "./serve-spot-minute.ts";

/** Monday 2026-07-06 00:00 UTC: the trace's day 0 is a Monday (its weekend is days 5–6). */
export const ONLINE_WEEK_EPOCH = Date.UTC(2026, 6, 6) / 1000;
/** Latency observations kept for the policy (the last two hours). */
const LATENCY_MEMORY = 120;

type TReplica = { id: string; launchedAt: number; readyAt: number; preemptAt: number };
type TDeployment = {
  id: string;
  poolId: string;
  gpuType: string;
  market: "spot" | "on-demand" | "reserved" | "on-prem";
  tp: number;
  policy: TSpotPolicy;
  replicas: TReplica[];
  auto: TAutoscalerState;
  qps: number;
};
type TService = {
  spec: TOnlineServiceSpec;
  policy: TServicePolicy;
  deployments: Map<string, TDeployment>;
  active: string | null;
  serverless: TServerlessConfig | null;
  pool: ReturnType<typeof createServerlessPool>;
  backlog: number;
  samples: TRateSample[];
  latency: TLatencyObservation[];
  result: TServiceResult;
  vmCost: number;
};

export type TSimulateOnlineOptions = {
  minutes?: number;
  epoch?: number;
  /** Called for every service-minute (for charts and diagnosis). */
  onMinute?: (m: {
    service: string;
    minute: number;
    met: boolean;
    missedBy: string | null;
    load: number;
    gpus: number;
  }) => void;
};

/**
 * Minute-by-minute replay of the trace's online services under one policy, with Tuna's routing
 * and SkyServe's autoscaling applied as they behave (ENGINE_CONTRACTS D): while any replica of the
 * active spot deployment is READY, the router sends everything to spot (SkyServe splits it evenly);
 * otherwise to serverless. Latency comes from the same performance model the planner uses, at each
 * GPU's hidden true speed × a 10-minute noise draw; spot replicas boot for the trace's startup
 * time and are reclaimed at their pool's hazard rate; serverless workers cold-start. A minute is
 * met when at most 5% of its requests see a p95-breaking latency: a backend over its p95 targets
 * counts all its requests, a cold start or a retry after a preemption counts the requests it delays.
 */
export function simulateOnlineWeek(
  trace: TFleetTrace,
  factory: TOnlinePolicyFactory,
  options: TSimulateOnlineOptions = {},
): TOnlineWeekResult {
  const minutes = Math.min(options.minutes ?? Infinity, ...trace.services.map((s) => s.loadRps.length));
  const epoch = options.epoch ?? ONLINE_WEEK_EPOCH;
  const rng = createRandom(trace.seed);
  const preemptRng = rng.fork("online-preemptions");
  const noise = new Map<string, number>();
  const speedOf = (service: string, model: string, gpu: string, t: number): number => {
    const key = `${service}|${gpu}|${Math.floor(t / 600)}`;
    let n = noise.get(key);
    if (n === undefined) {
      n = rng.fork(`online-speed|${key}`).logNormal(1, trace.throughputNoise);
      noise.set(key, n);
    }
    return Math.round(trace.trueFactor(model, gpu) * n * 200) / 200;
  };
  const truth = (spec: TOnlineServiceSpec, gpu: string, tp: number, speed: number) =>
    profileReplica({
      model: spec.model,
      gpu,
      tp,
      inputTokens: spec.inputTokens,
      outputTokens: spec.outputTokens,
      speed,
    });
  const poolById = new Map(trace.pools.map((p) => [p.id, { ...p, used: 0 }]));
  const cost = { spot: 0, onDemand: 0, serverless: 0, router: 0, total: 0 };
  const gpuHours = { vm: 0, serverless: 0 };
  let preemptions = 0;
  let nextId = 0;

  const services: TService[] = trace.services.map((spec) => {
    return {
      spec,
      policy: factory.create(spec, trace),
      deployments: new Map(),
      active: null,
      serverless: null,
      pool: createServerlessPool({
        profile: (tp, speed) => truth(spec, spec.serverless.gpuType, tp, speed),
        pricePerGpuSecond: spec.serverless.pricePerGpuSecond,
        coldStartSeconds: spec.serverless.coldStartSeconds,
      }),
      backlog: 0,
      samples: [],
      latency: [],
      result: {
        id: spec.id,
        minutes: 0,
        met: 0,
        cost: 0,
        decisions: 0,
        switches: 0,
        misses: { latency: 0, backlog: 0, coldStart: 0, reclaim: 0 },
      },
      vmCost: 0,
    };
  });

  const end = (s: TService, d: TDeployment, r: TReplica, at: number): void => {
    const pool = poolById.get(d.poolId)!;
    pool.used -= d.tp;
    const hours = (Math.max(at, r.launchedAt) - r.launchedAt) / 3600;
    const dollars = hours * d.tp * pool.pricePerGpuHour;
    gpuHours.vm += hours * d.tp;
    if (d.market === "spot") cost.spot += dollars;
    else cost.onDemand += dollars;
    s.vmCost += dollars;
    d.replicas = d.replicas.filter((x) => x !== r);
  };
  const launch = (d: TDeployment, count: number, at: number, warm: boolean): void => {
    const pool = poolById.get(d.poolId)!;
    for (let i = 0; i < count && pool.capacity - pool.used >= d.tp; i++) {
      pool.used += d.tp;
      const hazard = pool.market === "spot" ? (pool.preemptionRatePerHour ?? 0) : 0;
      d.replicas.push({
        id: `r${nextId++}`,
        launchedAt: at,
        readyAt: warm ? at : at + trace.startupSeconds,
        preemptAt: hazard > 0 ? at + preemptRng.exponential(hazard) * 3600 : Infinity,
      });
    }
  };
  const resize = (s: TService, d: TDeployment, delta: number, at: number): void => {
    if (delta > 0) launch(d, delta, at, false);
    // SkyServe scales down booting replicas first, then the newest.
    const order = [...d.replicas].sort(
      (a, b) => Number(a.readyAt <= at) - Number(b.readyAt <= at) || b.launchedAt - a.launchedAt,
    );
    for (const r of order.slice(0, Math.max(0, -delta))) end(s, d, r, at);
  };

  const view = (s: TService, now: number): TServiceView => ({
    spec: s.spec,
    trace,
    now,
    epoch: epoch + now,
    samples: s.samples,
    latency: s.latency,
    deployments: [...s.deployments.values()].map((d) => ({
      id: d.id,
      poolId: d.poolId,
      gpuType: d.gpuType,
      market: d.market,
      tp: d.tp,
      policy: d.policy,
      launched: d.replicas.length,
      ready: d.replicas.filter((r) => r.readyAt <= now).length,
      active: s.active === d.id,
    })),
    serverless: s.serverless,
    free: new Map([...poolById.values()].map((p) => [p.id, p.capacity - p.used])),
  });
  const apply = (s: TService, actions: TOnlineAction[], now: number): void => {
    for (const a of actions) {
      if (a.kind === "deploy") {
        const pool = poolById.get(a.poolId);
        if (!pool) throw new Error(`unknown pool ${a.poolId}`);
        const d: TDeployment = {
          id: a.id,
          poolId: pool.id,
          gpuType: pool.gpuType,
          market: pool.market,
          tp: a.tp,
          policy: a.policy,
          replicas: [],
          auto: { upSince: null, downSince: null },
          qps: 0,
        };
        s.deployments.set(a.id, d);
        launch(d, a.policy.minReplicas, now, a.warm === true);
      } else if (a.kind === "set-policy") {
        const d = s.deployments.get(a.id);
        if (!d) continue;
        d.policy = a.policy;
        resize(s, d, stepSkyServe(d.auto, d.policy, d.replicas.length, d.qps, now), now);
      } else if (a.kind === "route") s.active = a.id;
      else if (a.kind === "teardown") {
        const d = s.deployments.get(a.id);
        if (!d) continue;
        for (const r of [...d.replicas]) end(s, d, r, now);
        s.deployments.delete(a.id);
        if (s.active === a.id) s.active = null;
      } else if (a.kind === "serverless") {
        s.serverless = a.config;
        if (a.warm && a.config) s.pool.warmUp(a.config.workersMin, a.config.tp, now);
      } else {
        s.result.decisions++;
        if (a.decisionKind === "swap") s.result.switches++;
      }
    }
  };

  for (const s of services) apply(s, s.policy.start(view(s, 0)), 0);
  for (let m = 0; m < minutes; m++) {
    const t = m * 60;
    for (const s of services) {
      const load = s.spec.loadRps[m] ?? 0;
      const targets = { ttftP95Ms: s.spec.ttftP95Ms, tpotP95Ms: s.spec.tpotP95Ms };
      // Reclaimed spot replicas this minute (their ready time still counts up to the reclaim).
      const spans: [number, number][] = [];
      let reclaimed = 0;
      for (const d of s.deployments.values()) {
        for (const r of [...d.replicas]) {
          const until = Math.min(t + 60, r.preemptAt);
          if (d.id === s.active && r.readyAt < until) spans.push([Math.max(t, r.readyAt), until]);
          if (r.preemptAt < t + 60) {
            preemptions++;
            if (d.id === s.active && r.readyAt <= r.preemptAt) reclaimed++;
            end(s, d, r, r.preemptAt);
          }
        }
      }
      const active = s.active ? s.deployments.get(s.active) : undefined;
      const requests = load * 60;
      const spot = serveSpotMinute({
        t,
        load,
        spans,
        reclaimed,
        backlog: s.backlog,
        profile: active
          ? truth(s.spec, active.gpuType, active.tp, speedOf(s.spec.id, s.spec.model, active.gpuType, t))
          : null,
        targets,
      });
      const spotSeconds = spot.spotSeconds;
      s.backlog = spot.backlog;
      let failing = spot.failing;
      let why: keyof TServiceResult["misses"] | null = spot.why;
      for (const d of s.deployments.values()) d.qps = active && d.id === active.id ? (load * spotSeconds) / 60 : 0;
      if (active && spot.observed) {
        s.latency.push({
          t: epoch + t + 60,
          gpuType: active.gpuType,
          tp: active.tp,
          rpsPerReplica: spot.observed.rpsPerReplica,
          ttftP95Ms: spot.observed.ttftP95Ms,
          tpotP95Ms: spot.observed.tpotP95Ms,
        });
        if (s.latency.length > LATENCY_MEMORY) s.latency.shift();
      }
      const serverlessSeconds = 60 - spotSeconds;
      const sv = s.pool.serve(
        t,
        (load * serverlessSeconds) / 60,
        load,
        serverlessSeconds,
        s.serverless,
        speedOf(s.spec.id, s.spec.model, s.spec.serverless.gpuType, t),
        targets,
      );
      failing += sv.delayed + (sv.servedMeets ? 0 : sv.served);
      if (sv.delayed > 0.05 * requests && why === null) why = "coldStart";
      if (!sv.servedMeets && sv.served > 0.05 * requests && why === null) why = "latency";
      s.result.minutes++;
      const met = requests <= 0 || failing <= 0.05 * requests;
      if (met) s.result.met++;
      else s.result.misses[why ?? "latency"]++;
      options.onMinute?.({
        service: s.spec.id,
        minute: m,
        met,
        missedBy: met ? null : (why ?? "latency"),
        load,
        gpus: [...s.deployments.values()].reduce((x, d) => x + d.replicas.length * d.tp, 0),
      });
      s.samples.push({ t: epoch + t + 60, rps: load });

      for (const d of s.deployments.values()) {
        const qps = d.id === s.active ? d.qps : 0;
        resize(s, d, stepSkyServe(d.auto, d.policy, d.replicas.length, qps, t + 60), t + 60);
      }
      apply(s, s.policy.onMinute(view(s, t + 60)), t + 60);
    }
  }

  const horizon = minutes * 60;
  for (const s of services) {
    for (const d of s.deployments.values()) for (const r of [...d.replicas]) end(s, d, r, horizon);
    const closed = s.pool.close(horizon);
    cost.serverless += closed.cost;
    gpuHours.serverless += closed.gpuSeconds / 3600;
    s.result.cost = s.vmCost + closed.cost;
  }
  cost.router = factory.router ? (services.length * trace.routerPerHour * horizon) / 3600 : 0;
  cost.total = cost.spot + cost.onDemand + cost.serverless + cost.router;
  const met = services.reduce((x, s) => x + s.result.met, 0);
  const total = services.reduce((x, s) => x + s.result.minutes, 0);
  return {
    policy: factory.name,
    minutes: total,
    met,
    attainment: total === 0 ? 1 : met / total,
    cost,
    gpuHours,
    preemptions,
    services: services.map((s) => s.result),
  };
}
