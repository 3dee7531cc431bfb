import { createRandom } from "../random/seeded-random.ts";
import { createEventQueue } from "./event-queue.ts";
import type {
  TFleetAction,
  TFleetEvent,
  TFleetPolicy,
  TFleetResult,
  TFleetTrace,
  TFleetView,
  TJobView,
  TReplica,
  TServiceView,
} from "./fleet-types.ts";
import { createOnlineLedger } from "./account-online-minute.ts";
import { batchTokensPerSecond } from "./replica-throughput.ts";

type TSimEvent =
  | { type: "arrival"; jobId: string }
  | { type: "done"; jobId: string; version: number }
  | { type: "ready"; replicaId: string }
  | { type: "preempt"; replicaId: string; at: number }
  | { type: "tick" }
  | { type: "minute"; minute: number };

type TJobState = TJobView & {
  remaining: number;
  rate: number;
  last: number;
  version: number;
  noise: number;
  arrived: boolean;
};

export type TSimulateFleetOptions = {
  tickSeconds?: number;
  onlineDecisionMinutes?: number;
  overrunSeconds?: number;
  preemptionLossSeconds?: number;
};

/**
 * Discrete-event replay of a fleet trace against a policy. Batch progress is fluid between events
 * (rate = Σ ready replicas' true throughput × the current noise draw); online services are
 * accounted minute by minute; spot replicas draw an exponential lifetime from their pool's hazard.
 */
export async function simulateFleet(
  trace: TFleetTrace,
  policy: TFleetPolicy,
  options: TSimulateFleetOptions = {},
): Promise<TFleetResult> {
  const tick = options.tickSeconds ?? 600;
  const decideEvery = options.onlineDecisionMinutes ?? 5;
  const end = trace.horizonSeconds + (options.overrunSeconds ?? 2 * 86400);
  const lossSeconds = options.preemptionLossSeconds ?? 300;
  const preemptRng = createRandom(trace.seed).fork("preemptions");
  const noiseRng = createRandom(trace.seed).fork("throughput-noise");
  const q = createEventQueue<TSimEvent>();
  const pools = trace.pools.map((p) => ({ ...p, used: 0 }));
  const poolById = new Map(pools.map((p) => [p.id, p]));
  const replicas = new Map<string, TReplica>();
  const jobs = new Map<string, TJobState>();
  const services: TServiceView[] = trace.services.map((spec) => ({ spec, loadRps: spec.loadRps[0] ?? 0 }));
  const online = createOnlineLedger(trace, policy.serverlessFallback);
  const cost = { onDemand: 0, spot: 0, serverless: 0, router: 0, total: 0 };
  const gpuHours = { onDemand: 0, spot: 0, serverless: 0 };
  let preemptions = 0;
  let rejected = 0;
  let nextReplica = 0;
  let now = 0;

  for (const j of trace.jobs) {
    const totalTokens = j.requests * (j.inputTokens + j.outputTokens);
    jobs.set(j.id, {
      spec: j,
      totalTokens,
      completedTokens: 0,
      samples: [],
      allocationChangedAt: j.arrival,
      doneAt: null,
      remaining: totalTokens,
      rate: 0,
      last: j.arrival,
      version: 0,
      noise: 1,
      arrived: false,
    });
    q.push(j.arrival, { type: "arrival", jobId: j.id });
  }
  for (let t = tick; t < end; t += tick) q.push(t, { type: "tick" });
  for (let m = 0; m < trace.horizonSeconds / 60; m++) q.push(m * 60, { type: "minute", minute: m });

  const view = (): TFleetView => ({
    now,
    trace,
    pools: pools.map((p) => ({ ...p })),
    replicas: [...replicas.values()].map((r) => ({ ...r })),
    jobs,
    services,
  });
  const settle = (job: TJobState): void => {
    job.remaining = Math.max(0, job.remaining - job.rate * (now - job.last));
    job.completedTokens = job.totalTokens - job.remaining;
    job.last = now;
  };
  const replicaRate = (r: TReplica, job: TJobState): number =>
    batchTokensPerSecond(job.spec.model, r.gpuType, r.tp, job.spec.inputTokens, job.spec.outputTokens) *
    trace.trueFactor(job.spec.model, r.gpuType);
  const refresh = (job: TJobState): void => {
    settle(job);
    job.rate = 0;
    for (const r of replicas.values())
      if (r.workloadId === job.spec.id && r.readyAt <= now) job.rate += replicaRate(r, job) * job.noise;
    job.version++;
    if (job.doneAt === null && job.rate > 0)
      q.push(now + job.remaining / job.rate, { type: "done", jobId: job.spec.id, version: job.version });
  };
  const bill = (r: TReplica): void => {
    const pool = poolById.get(r.poolId)!;
    const hours = ((now - r.startedAt) / 3600) * r.tp;
    pool.used -= r.tp;
    if (r.market === "spot") {
      cost.spot += hours * pool.pricePerGpuHour;
      gpuHours.spot += hours;
    } else {
      cost.onDemand += hours * pool.pricePerGpuHour;
      gpuHours.onDemand += hours;
    }
  };
  const touch = (workloadId: string | null): void => {
    const job = workloadId === null ? undefined : jobs.get(workloadId);
    if (job) {
      job.allocationChangedAt = now;
      refresh(job);
    }
  };

  const apply = (actions: TFleetAction[]): void => {
    for (const a of actions) {
      if (a.kind === "add") {
        const pool = poolById.get(a.poolId);
        if (!pool) {
          rejected++;
          continue;
        }
        const fit = Math.min(a.count, Math.floor((pool.capacity - pool.used) / a.tp));
        if (fit < a.count) rejected++;
        for (let i = 0; i < fit; i++) {
          const r: TReplica = {
            id: `r${nextReplica++}`,
            poolId: pool.id,
            gpuType: pool.gpuType,
            market: pool.market,
            tp: a.tp,
            workloadId: a.workloadId,
            startedAt: now,
            readyAt: now + (a.warm ? (a.workloadId === null ? 0 : trace.reassignSeconds) : trace.startupSeconds),
          };
          replicas.set(r.id, r);
          pool.used += a.tp;
          q.push(r.readyAt, { type: "ready", replicaId: r.id });
          const hazard = pool.preemptionRatePerHour ?? 0;
          if (pool.market === "spot" && hazard > 0) {
            const at = now + preemptRng.exponential(hazard) * 3600;
            if (at < end) q.push(at, { type: "preempt", replicaId: r.id, at });
          }
        }
      } else {
        const r = replicas.get(a.replicaId);
        if (!r) {
          rejected++;
          continue;
        }
        const before = r.workloadId;
        if (a.kind === "remove") {
          replicas.delete(r.id);
          bill(r);
        } else {
          r.workloadId = a.workloadId;
          r.readyAt = Math.max(r.readyAt, now + trace.reassignSeconds);
          q.push(r.readyAt, { type: "ready", replicaId: r.id });
          touch(a.workloadId);
        }
        touch(before);
      }
    }
  };
  const ask = async (event: TFleetEvent): Promise<void> => apply(await policy.onEvent(view(), event));

  await ask({ kind: "start" });
  for (let e = q.pop(); e && e.time <= end; e = q.pop()) {
    now = e.time;
    const ev = e.event;
    if (ev.type === "arrival") {
      const job = jobs.get(ev.jobId)!;
      job.arrived = true;
      job.samples.push({ t: now, completed: 0, total: job.totalTokens });
      await ask({ kind: "job-arrival", jobId: ev.jobId });
    } else if (ev.type === "done") {
      const job = jobs.get(ev.jobId)!;
      if (job.version !== ev.version || job.doneAt !== null) continue;
      settle(job);
      job.remaining = 0;
      job.completedTokens = job.totalTokens;
      job.doneAt = now;
      job.rate = 0;
      for (const r of replicas.values()) if (r.workloadId === job.spec.id) r.workloadId = null;
      await ask({ kind: "job-done", jobId: ev.jobId });
    } else if (ev.type === "ready") {
      const r = replicas.get(ev.replicaId);
      if (r && r.readyAt <= now) touch(r.workloadId);
    } else if (ev.type === "preempt") {
      const r = replicas.get(ev.replicaId);
      if (!r) continue;
      const job = r.workloadId === null ? undefined : jobs.get(r.workloadId);
      if (job && job.doneAt === null) {
        settle(job);
        // Orca re-queues the chunk in flight: up to `lossSeconds` of this replica's work is redone.
        if (r.readyAt <= now)
          job.remaining = Math.min(
            job.totalTokens,
            job.remaining + replicaRate(r, job) * job.noise * Math.min(lossSeconds, now - r.readyAt),
          );
      }
      replicas.delete(r.id);
      bill(r);
      preemptions++;
      touch(r.workloadId);
      await ask({ kind: "preemption", replica: r });
    } else if (ev.type === "tick") {
      let active = false;
      for (const job of jobs.values()) {
        if (!job.arrived || job.doneAt !== null) continue;
        active = true;
        settle(job);
        job.samples.push({ t: now, completed: job.completedTokens, total: job.totalTokens });
        job.noise = noiseRng.logNormal(1, trace.throughputNoise);
        refresh(job);
      }
      if (!active && now >= trace.horizonSeconds) break;
      await ask({ kind: "tick" });
    } else {
      services.forEach((s) => (s.loadRps = s.spec.loadRps[ev.minute] ?? 0));
      online.account(ev.minute, [...replicas.values()]);
      if (ev.minute % decideEvery === 0) await ask({ kind: "online", minute: ev.minute });
    }
  }
  for (const r of replicas.values()) bill(r);
  replicas.clear();
  const ledger = online.result();
  cost.serverless = ledger.serverlessCost;
  gpuHours.serverless = ledger.serverlessGpuHours;
  cost.router = policy.serverlessFallback
    ? (trace.services.length * trace.routerPerHour * trace.horizonSeconds) / 3600
    : 0;
  cost.total = cost.onDemand + cost.spot + cost.serverless + cost.router;
  const late: TFleetResult["batch"]["late"] = [];
  for (const job of jobs.values()) {
    const finish = job.doneAt ?? Infinity;
    if (finish > job.spec.deadline) late.push({ id: job.spec.id, lateBySeconds: finish - job.spec.deadline });
  }
  const n = trace.jobs.length;
  return {
    policy: policy.name,
    cost,
    gpuHours,
    batch: { jobs: n, met: n - late.length, attainment: n === 0 ? 1 : (n - late.length) / n, late },
    online: {
      minutes: ledger.minutes,
      met: ledger.met,
      attainment: ledger.minutes === 0 ? 1 : ledger.met / ledger.minutes,
    },
    preemptions,
    rejectedActions: rejected,
  };
}
