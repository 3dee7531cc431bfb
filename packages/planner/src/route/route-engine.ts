import type { TEngine, TMarket, TWorkload } from "../types.ts";

// Orca runs batch jobs on provisioned VMs; Tuna fronts online services with a router that mixes
// spot replicas and serverless overflow (ENGINE_CONTRACTS.md A–D).

/** Booting and health-checking a fresh GPU VM takes 10–30 min (PERF_MODEL_AND_PRICES.md §2). */
export const VM_PROVISIONING_HOURS = 0.5;

export type TRouteDecision = { engine: TEngine; reason: string };

export type TRoutePlan = { markets: readonly TMarket[]; costPerHour: number; predictedHours?: number };

export function routeEngine(workload: TWorkload, plan?: TRoutePlan): TRouteDecision {
  if (workload.kind === "online") {
    return {
      engine: "tuna",
      reason: `online traffic (${workload.requestsPerSecond} req/s, p95 TTFT ${workload.ttftP95Ms} ms) needs Tuna's router, which keeps spot replicas busy and spills bursts to serverless`,
    };
  }
  if (plan && plan.markets.length > 0 && plan.markets.every((m) => m === "serverless")) {
    return { engine: "tuna", reason: "the plan uses only serverless GPUs, which Tuna drives and Orca cannot provision" };
  }
  if (workload.deadlineHours < VM_PROVISIONING_HOURS) {
    return {
      engine: "tuna",
      reason: `the ${workload.deadlineHours} h deadline is shorter than the ${VM_PROVISIONING_HOURS} h it can take Orca to provision VMs; Tuna's warm serverless capacity starts in seconds`,
    };
  }
  if (plan?.predictedHours !== undefined && plan.predictedHours < VM_PROVISIONING_HOURS) {
    const overhead = plan.costPerHour * VM_PROVISIONING_HOURS;
    const work = plan.costPerHour * plan.predictedHours;
    if (overhead > work) {
      return {
        engine: "tuna",
        reason: `the job needs only ${(plan.predictedHours * 60).toFixed(0)} min of GPU time, less than Orca's VM start-up, which would cost $${overhead.toFixed(2)} on top of $${work.toFixed(2)} of work`,
      };
    }
  }
  return { engine: "orca", reason: `a batch job with a ${workload.deadlineHours} h deadline: Orca provisions the planned replicas, chunks the input and tracks progress` };
}
