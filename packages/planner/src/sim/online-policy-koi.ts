import { estimateSpeed, summarizeSpeeds } from "../online/estimate-speed.ts";
import { forecastLoad } from "../online/forecast-load.ts";
import type { TOnlinePlanOptions, TOnlineScalingState, TSpeedTable, TVmPool } from "../online/online-types.ts";
import { planOnlineCapacity } from "../online/plan-online-capacity.ts";
import { speedKey } from "../online/size-variants.ts";
import type { TFleetTrace, TOnlineServiceSpec } from "./fleet-types.ts";
import type {
  TOnlineAction,
  TOnlinePolicyFactory,
  TServicePolicy,
  TServiceView,
  TSpotPolicy,
} from "./online-week-types.ts";

/** Speed estimates kept per variant (two hours of minutes). */
const SPEED_MEMORY = 120;
/**
 * Speed assumed for a variant that has not run yet: the P10 of the model's own error (log-normal,
 * σ ≈ 0.12: docs/planner.md reports an 11% median error), so an untried GPU is not preferred merely
 * for being unmeasured.
 */
const UNMEASURED_SPEED = Math.exp(-1.2815515655446004 * 0.12);
/** Tuna's router waits this long for a streaming response: the old deployment drains for that long. */
const DRAIN_SECONDS = 210;

/**
 * Koi's online policy as the worker will run it: every `decisionMinutes` it forecasts the
 * service's load from the rates reported so far, learns each variant's real speed from the
 * latency it reports (vLLM /metrics), plans with `planOnlineCapacity` and applies the plan the way
 * Tuna takes it — the scaling policy on the running spot deployment, or, for a variant switch, a
 * second deployment that takes the router only once its replicas are READY, after which the old
 * one drains and is torn down.
 */
export function koiOnlinePolicy(
  options: { decisionMinutes?: number; plan?: TOnlinePlanOptions } = {},
): TOnlinePolicyFactory {
  const every = options.decisionMinutes ?? 5;
  return {
    name: "koi",
    router: true,
    create: (spec: TOnlineServiceSpec, trace: TFleetTrace): TServicePolicy => {
      let state: TOnlineScalingState | undefined;
      const estimates = new Map<string, number[]>();
      let seenUntil = -Infinity;
      let next = 0;
      let pending: { newId: string; oldId: string; routedAt: number | null } | null = null;
      const service = {
        model: spec.model,
        avgInputTokens: spec.inputTokens,
        avgOutputTokens: spec.outputTokens,
        ttftP95Ms: spec.ttftP95Ms,
        tpotP95Ms: spec.tpotP95Ms,
      };
      const serverless = [
        {
          id: `${spec.id}-serverless`,
          gpuType: spec.serverless.gpuType,
          pricePerGpuHour: spec.serverless.pricePerGpuSecond * 3600,
          coldStartSeconds: spec.serverless.coldStartSeconds,
          maxWorkers: spec.serverless.maxWorkers,
        },
      ];
      const learn = (view: TServiceView): { table: TSpeedTable; logSd: number } => {
        for (const o of view.latency) {
          if (o.t <= seenUntil) continue;
          const key = speedKey(o.gpuType, o.tp);
          const list = estimates.get(key) ?? [];
          list.push(
            estimateSpeed(
              {
                model: spec.model,
                gpu: o.gpuType,
                tp: o.tp,
                inputTokens: spec.inputTokens,
                outputTokens: spec.outputTokens,
              },
              o.rpsPerReplica,
              o.tpotP95Ms,
            ),
          );
          if (list.length > SPEED_MEMORY) list.shift();
          estimates.set(key, list);
          seenUntil = o.t;
        }
        const table: TSpeedTable = {};
        let logSd = 0;
        for (const [key, list] of estimates) {
          const summary = summarizeSpeeds(list)!;
          table[key] = summary.speed;
          logSd = Math.max(logSd, summary.logSd);
        }
        return { table, logSd };
      };
      const decide = (view: TServiceView, warm: boolean): TOnlineAction[] => {
        const active = view.deployments.find((d) => d.active);
        // The deployment of the variant Koi last chose: the new one while a switch is under way.
        const mine = pending ? view.deployments.find((d) => d.id === pending!.newId) : active;
        const pools: TVmPool[] = trace.pools.map((p) => ({
          id: p.id,
          gpuType: p.gpuType,
          market: p.market,
          available: view.free.get(p.id) ?? 0,
          pricePerGpuHour: p.pricePerGpuHour,
          preemptionRatePerHour: p.preemptionRatePerHour,
        }));
        const speed = learn(view);
        const plan = planOnlineCapacity({
          service,
          forecast: forecastLoad({ samples: view.samples, now: view.epoch, expectedRps: spec.peakRps }),
          currentRps: view.samples.at(-1)?.rps,
          pools,
          serverless,
          now: view.epoch,
          state,
          currentReplicas: mine?.launched ?? 0,
          speed: speed.table,
          speedSd: speed.logSd,
          unmeasuredSpeed: UNMEASURED_SPEED,
          options: options.plan,
        });
        state = plan.state;
        const actions: TOnlineAction[] = [];
        if (plan.kind !== "hold") actions.push({ kind: "decision", decisionKind: plan.kind, reason: plan.reason });
        if (plan.serverless)
          actions.push({
            kind: "serverless",
            config: {
              tp: plan.serverless.tp,
              concurrency: plan.serverless.concurrency,
              workersMin: plan.serverless.workersMin,
              workersMax: plan.serverless.workersMax,
              scaledownWindowSeconds: plan.tuna.serverless.scaledown_window,
            },
          });
        if (!plan.variant) {
          // Serverless alone: the spot side is emptied, and the router falls back once it has no replica.
          if (active)
            actions.push({
              kind: "set-policy",
              id: active.id,
              policy: { ...active.policy, minReplicas: 0, maxReplicas: 0 },
            });
          return actions;
        }
        const policy: TSpotPolicy = {
          minReplicas: plan.tuna.spot.min_replicas,
          maxReplicas: plan.tuna.spot.max_replicas,
          targetQps: plan.tuna.spot.target_qps,
          upscaleDelaySeconds: plan.tuna.spot.upscale_delay,
          downscaleDelaySeconds: plan.tuna.spot.downscale_delay,
        };
        const variant = plan.variant;
        const matches = (d: { poolId: string; tp: number } | undefined): boolean =>
          d !== undefined && d.poolId === variant.poolId && d.tp === variant.tp;
        const fresh = pending ? view.deployments.find((d) => d.id === pending!.newId) : undefined;
        if (pending && fresh && matches(fresh)) {
          actions.push({ kind: "set-policy", id: fresh.id, policy });
          return actions;
        }
        if (active && matches(active)) {
          if (pending && pending.routedAt === null) {
            actions.push({ kind: "teardown", id: pending.newId });
            pending = null;
          }
          actions.push({ kind: "set-policy", id: active.id, policy });
          return actions;
        }
        if (pending) actions.push({ kind: "teardown", id: pending.routedAt === null ? pending.newId : pending.oldId });
        const id = `${spec.id}-d${next++}`;
        actions.push({ kind: "deploy", id, poolId: variant.poolId, tp: variant.tp, policy, warm });
        if (!active) {
          actions.push({ kind: "route", id });
          pending = null;
        } else pending = { newId: id, oldId: active.id, routedAt: null };
        return actions;
      };
      return {
        start: (view) => decide(view, true),
        onMinute: (view) => {
          const actions: TOnlineAction[] = [];
          if (pending) {
            const fresh = view.deployments.find((d) => d.id === pending!.newId);
            if (pending.routedAt === null && fresh && fresh.ready >= fresh.policy.minReplicas) {
              actions.push({ kind: "route", id: fresh.id });
              pending.routedAt = view.now;
            } else if (pending.routedAt !== null && view.now - pending.routedAt >= DRAIN_SECONDS) {
              actions.push({ kind: "teardown", id: pending.oldId });
              pending = null;
            }
          }
          if (Math.round(view.now / 60) % every === 0) actions.push(...decide(view, false));
          return actions;
        },
      };
    },
  };
}
