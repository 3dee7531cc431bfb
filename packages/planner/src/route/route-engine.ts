import type { TEngine, TMarket, TWorkload } from "../types.ts";
import { formatDuration } from "../forecast/format-duration.ts";

// Orca runs batch jobs on provisioned VMs; Tuna fronts online services with a router that mixes
// spot replicas and serverless overflow (ENGINE_CONTRACTS.md A–D).

/** Booting and health-checking a fresh GPU VM takes 10–30 min (PERF_MODEL_AND_PRICES.md §2). */
export const VM_PROVISIONING_HOURS = 0.5;

export type TRouteDecision = { engine: TEngine; reason: string };

/** The sentence a plan's reason ends with: which engine runs it, and why. */
export function engineSentence(route: TRouteDecision): string {
  return `Engine: ${route.engine}, because ${route.reason}.`;
}

export type TRoutePlan = {
  replicas: readonly { market: TMarket; count: number; tp: number; pp?: number }[];
  costPerHour: number;
};

/** Share of the plan's GPUs that are serverless (a replica holds TP × PP GPUs). */
function serverlessShare(plan: TRoutePlan): number {
  const gpusOf = (rs: TRoutePlan["replicas"]) => rs.reduce((n, r) => n + r.count * r.tp * (r.pp ?? 1), 0);
  const gpus = gpusOf(plan.replicas);
  return gpus > 0 ? gpusOf(plan.replicas.filter((r) => r.market === "serverless")) / gpus : 0;
}

/**
 * Online work always goes to Tuna. Batch work goes to Orca unless the deadline is shorter than a
 * VM takes to boot (SLO) or the cheapest plan is mostly serverless GPUs (cost), which Tuna drives.
 */
export function routeEngine(workload: TWorkload, plan?: TRoutePlan): TRouteDecision {
  if (workload.kind === "online") {
    return {
      engine: "tuna",
      reason: `online traffic (${workload.requestsPerSecond} req/s, p95 TTFT ${workload.ttftP95Ms} ms) needs Tuna's router, which keeps spot replicas busy and spills bursts to serverless`,
    };
  }
  if (workload.deadlineHours < VM_PROVISIONING_HOURS) {
    return {
      engine: "tuna",
      reason: `the ${formatDuration(workload.deadlineHours * 3600)} deadline is shorter than the up to ${VM_PROVISIONING_HOURS} h Orca can need to provision VMs; Tuna's warm serverless capacity starts in seconds`,
    };
  }
  if (plan && serverlessShare(plan) > 0.5) {
    return {
      engine: "tuna",
      reason: "the cheapest plan runs mostly on serverless GPUs, which Tuna drives and Orca cannot provision",
    };
  }
  return {
    engine: "orca",
    reason: `it is a batch job with a ${formatDuration(workload.deadlineHours * 3600)} deadline: Orca provisions the planned replicas, chunks the input and tracks progress`,
  };
}
