import type { TCommand, TDeployCommand, TWorkloadSpec } from "@koi/contracts";

let counter = 0;
const lease = () => new Date(Date.now() + 5 * 60_000).toISOString();

/** A deploy as Koi's dispatcher would send it. */
export function deployCommand(
  overrides: {
    assignmentId?: string;
    epoch?: number;
    workload?: Partial<TWorkloadSpec>;
    placement?: Partial<TDeployCommand["payload"]["placement"]>;
    alternatives?: TDeployCommand["payload"]["alternatives"];
    groups?: TDeployCommand["payload"]["groups"];
  } = {},
): TDeployCommand {
  return {
    type: "deploy",
    commandId: `cmd_${++counter}`,
    assignmentId: overrides.assignmentId ?? `asg_${counter}`,
    epoch: overrides.epoch ?? 1,
    leaseExpiresAt: lease(),
    payload: {
      workload: {
        kind: "batch",
        model: "meta-llama/Llama-3.1-8B-Instruct",
        requests: 4000,
        avgInputTokens: 1000,
        avgOutputTokens: 200,
        ...overrides.workload,
      } as TWorkloadSpec,
      placement: { gpuType: "L40S", tp: 1, pp: 1, replicas: 2, market: "spot", ...overrides.placement },
      alternatives: overrides.alternatives ?? [],
      decisionId: `dec_${counter}`,
      predictedTps: 3000,
      ...(overrides.groups ? { groups: overrides.groups } : {}),
    },
  };
}

/** Any other command for an assignment. */
export function command<T extends Exclude<TCommand["type"], "deploy">>(
  type: T,
  assignmentId: string,
  payload: Extract<TCommand, { type: T }>["payload"],
  epoch = 1,
): Extract<TCommand, { type: T }> {
  return { type, commandId: `cmd_${++counter}`, assignmentId, epoch, leaseExpiresAt: lease(), payload } as Extract<
    TCommand,
    { type: T }
  >;
}
