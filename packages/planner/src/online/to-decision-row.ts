import type { TLoadForecast } from "./forecast-load.ts";
import type { TOnlinePlan } from "./online-types.ts";

/** What a Decision row stores (kind, reason, alternatives, inputs, plan), as plain JSON. */
export type TOnlineDecisionRow = {
  kind: TOnlinePlan["kind"];
  reason: string;
  alternatives: unknown[];
  inputs: Record<string, unknown>;
  plan: Record<string, unknown>;
};

/** JSON has no Infinity: an unbounded latency or a switch that never pays back is stored as null. */
function finite<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v)),
  ) as T;
}

/** An online plan shaped like the batch Decisions, for the worker to write when `kind` is not a hold. */
export function toOnlineDecisionRow(plan: TOnlinePlan, forecast: TLoadForecast): TOnlineDecisionRow {
  return finite({
    kind: plan.kind,
    reason: plan.reason,
    alternatives: plan.alternatives,
    inputs: {
      at: forecast.now,
      forecast: {
        basis: forecast.basis,
        points: forecast.points,
        burst: forecast.burst,
        explanation: forecast.explanation,
      },
      sizing: plan.sizing,
    },
    plan: {
      feasible: plan.feasible,
      variant: plan.variant,
      spot: plan.spot,
      serverless: plan.serverless,
      tuna: plan.tuna,
      costPerHour: plan.costPerHour,
      predictedLatency: plan.predictedLatency,
      switchPlan: plan.switchPlan,
      binding: plan.binding,
    },
  });
}
