import type { TAssignmentReport, TGpuPool, TOnlineSample } from "@koi/contracts";
import { prisma } from "@koi/db";
import { ackCommand } from "../agents/ack-command.ts";
import { claimCommands } from "../agents/lease-commands.ts";
import { planWorkload } from "../workloads/plan-workload.ts";
import { submitWorkload } from "../workloads/submit-workload.ts";
import { liveAssignment } from "../workloads/test-fixtures.ts";

/** Tests only: a Tuna agent's pools, 24 spot L4s and 4 serverless ones. */
export const tunaL4Pools: TGpuPool[] = [
  { id: "tuna:spot:L4", gpuType: "L4", market: "spot", total: 24, available: 24, quota: null, pricePerGpuHour: 0.4 },
  {
    id: "tuna:serverless:modal:L4",
    gpuType: "L4",
    market: "serverless",
    total: 4,
    available: 4,
    quota: null,
    pricePerGpuHour: 0.8,
  },
];

/** Tests only: one minute of an online service's metrics, inside its SLO unless `over` says otherwise. */
export function onlineSample(t: Date, over: Partial<TOnlineSample> = {}): TOnlineSample {
  return {
    t: t.toISOString(),
    intervalSeconds: 60,
    requestsPerSecond: 2,
    inputTokensPerSecond: 1600,
    outputTokensPerSecond: 400,
    ttftP95Ms: 400,
    tpotP95Ms: 40,
    e2eP95Ms: 8400,
    running: 6,
    waiting: 0,
    kvCacheUsage: 0.2,
    pctSpot: 100,
    rejected: 0,
    spotReplicas: 1,
    serverlessConcurrency: null,
    scrapeErrors: [],
    ...over,
  };
}

/** Tests only: the agent's report carrying one online sample. */
export function onlineReport(seq: number, at: Date, online: TOnlineSample): TAssignmentReport {
  return {
    epoch: 1,
    seq,
    at: at.toISOString(),
    state: "running",
    progress: { completed: seq * 120, total: null, unit: "requests" },
    online,
    usage: [{ component: "spot", gpuType: "L4", seconds: seq * 60, costUsd: seq * 0.0067 }],
  };
}

/**
 * Tests only: a chat service (Llama-3.1-8B, 3 req/s, TTFT 2 s, TPOT 100 ms) submitted, planned and
 * running on the Tuna agent `agentId` of `orgId`.
 */
export async function runningChatService(orgId: string, agentId: string) {
  const workload = await submitWorkload({
    orgId,
    actorUserId: null,
    via: "api",
    submission: {
      kind: "online",
      name: "chat",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      requestsPerSecond: 3,
      avgInputTokens: 800,
      avgOutputTokens: 200,
      ttftP95Ms: 2000,
      tpotP95Ms: 100,
    },
  });
  const planned = await planWorkload(workload.id);
  if (planned.outcome !== "dispatched") throw new Error(`the chat service was not dispatched: ${planned.outcome}`);
  const assignment = await liveAssignment(workload.id);
  const [deploy] = await claimCommands(agentId);
  await ackCommand(orgId, agentId, deploy!.id, { status: "accepted", engineRef: "tuna:router" });
  await prisma.assignment.update({ where: { id: assignment.id }, data: { state: "running" } });
  return { workload, assignment };
}
