import { ENDED_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import type { TGpuPool } from "@koi/contracts/agent/heartbeat";
import type { TCapability } from "@koi/contracts/agent/register";
import type { TAssignmentReport } from "@koi/contracts/agent/reports";
import type { TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { createTestOrg } from "@koi/db/factories";
import { prisma } from "@koi/db";
import { ackCommand } from "../agents/ack-command.ts";
import { claimCommands } from "../agents/lease-commands.ts";
import { recordHeartbeat } from "../agents/record-heartbeat.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { registration } from "../agents/test-fixtures.ts";
import { lockOrgPlanning } from "./lock-rows.ts";
import { planWorkload } from "./plan-workload.ts";
import { submitWorkload } from "./submit-workload.ts";

const orgIds: string[] = [];

/** Tests only: an org with one ONLINE sim agent reporting `pools` (and declaring `capabilities`). */
export async function orgWithAgent(pools: TGpuPool[], capabilities?: TCapability[]) {
  const org = await createTestOrg();
  orgIds.push(org.id);
  const base = registration("sim");
  const { agentId } = await registerAgent(org.id, "key_test", {
    ...base,
    capabilities: capabilities ?? base.capabilities,
  });
  await recordHeartbeat(org.id, agentId, { inventory: { pools }, assignments: [] });
  return { org, agentId };
}

export const h100Pool = (available = 64, id = "h100-od"): TGpuPool => ({
  id,
  gpuType: "H100-SXM",
  market: "on-demand",
  total: available,
  available,
  quota: null,
  pricePerGpuHour: 6.88,
});
export const a100Pool = (available = 64, id = "a100-od"): TGpuPool => ({
  id,
  gpuType: "A100-80GB",
  market: "on-demand",
  total: available,
  available,
  quota: null,
  pricePerGpuHour: 4.1,
});

export function batchSubmission(
  over: Partial<Extract<TWorkloadSubmission, { kind: "batch" }>> = {},
): TWorkloadSubmission {
  return {
    kind: "batch",
    model: "meta-llama/Llama-3.1-8B-Instruct",
    requests: 20_000,
    avgInputTokens: 1000,
    avgOutputTokens: 300,
    deadlineHours: 2,
    ...over,
  };
}

export function onlineSubmission(
  over: Partial<Extract<TWorkloadSubmission, { kind: "online" }>> = {},
): TWorkloadSubmission {
  return {
    kind: "online",
    model: "meta-llama/Llama-3.1-8B-Instruct",
    requestsPerSecond: 2,
    avgInputTokens: 500,
    avgOutputTokens: 100,
    ttftP95Ms: 2000,
    tpotP95Ms: 100,
    ...over,
  };
}

export function report(
  over: Omit<Partial<TAssignmentReport>, "at"> & {
    seq: number;
    completed: number;
    total: number;
    at: Date;
    costUsd?: number;
  },
): TAssignmentReport {
  const { completed, total, at, costUsd, ...rest } = over;
  return {
    epoch: 1,
    state: "running",
    at: at.toISOString(),
    progress: { completed, total, unit: "requests" },
    usage: [
      { component: "on-demand", gpuType: "H100-SXM", seconds: over.seq * 300, costUsd: costUsd ?? over.seq * 0.1 },
    ],
    ...rest,
  };
}

export async function liveAssignment(workloadId: string) {
  return prisma.assignment.findFirstOrThrow({
    where: { workloadId, state: { notIn: [...ENDED_ASSIGNMENT_STATES] } },
    orderBy: { createdAt: "desc" },
  });
}

/**
 * Deletes the unpublished outbox rows of the orgs these fixtures made: no worker runs during these
 * tests, and later test files relay (and count) the shared database's outbox.
 */
export async function dropOutboxRows(): Promise<void> {
  await prisma.outboxEvent.deleteMany({ where: { orgId: { in: orgIds }, publishedAt: null } });
}

/** Tests only: a batch workload submitted, planned, and accepted by the org's agent (RUNNING). */
export async function deployedWorkload(orgId: string, agentId: string) {
  const workload = await submitWorkload({ orgId, actorUserId: null, via: "api", submission: batchSubmission() });
  await planWorkload(workload.id);
  const assignment = await liveAssignment(workload.id);
  const [deploy] = await claimCommands(agentId);
  await ackCommand(orgId, agentId, deploy!.id, { status: "accepted", engineRef: `orca-${workload.id}` });
  return { workload, assignment };
}

/** The org's commands, oldest first, as the tests compare them. */
export const commandsOf = (orgId: string) =>
  prisma.command.findMany({ where: { orgId }, orderBy: { createdAt: "asc" } }).then((rows) =>
    rows.map((c) => ({
      agentId: c.agentId,
      assignmentId: c.assignmentId,
      type: c.type,
      payload: c.payload,
      epoch: c.epoch,
      status: c.status,
    })),
  );

/**
 * Tests only: a planning run stand-in that holds the org's planning lock in a transaction of its own
 * until `release()` (which waits for that transaction to end); resolves once the lock is held.
 */
export async function holdOrgPlanningLock(orgId: string): Promise<{ release: () => Promise<void> }> {
  let holding!: () => void;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (holding = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const planner = prisma.$transaction(
    async (tx) => {
      await lockOrgPlanning(tx, orgId);
      holding();
      await released;
    },
    { timeout: 20_000 },
  );
  await Promise.race([held, planner]);
  return {
    release: async () => {
      release();
      await planner;
    },
  };
}
