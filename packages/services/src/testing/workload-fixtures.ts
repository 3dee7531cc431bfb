import { randomBytes } from "node:crypto";
import { prisma } from "@koi/db";

// Test-only rows for the workloads, overview and costs procedures: an online sim agent with GPU
// pools (so the planner has capacity) and a running workload with its history.

export async function createCapacity(orgId: string) {
  const cluster = await prisma.cluster.create({
    data: { orgId, name: `c-${randomBytes(3).toString("hex")}`, kind: "cloud", provider: "aws", region: "us-east-1" },
  });
  const agent = await prisma.agent.create({
    data: {
      orgId,
      clusterId: cluster.id,
      instanceId: `inst-${randomBytes(6).toString("hex")}`,
      engine: "sim",
      version: "0.1.0",
      capabilities: ["spot"],
      status: "ONLINE",
      lastHeartbeatAt: new Date(),
    },
  });
  const pools = await Promise.all([
    prisma.gpuPool.create({
      data: {
        orgId,
        clusterId: cluster.id,
        agentId: agent.id,
        externalId: "h100-spot",
        gpuType: "H100-SXM",
        market: "spot",
        total: 16,
        available: 16,
      },
    }),
    prisma.gpuPool.create({
      data: {
        orgId,
        clusterId: cluster.id,
        agentId: agent.id,
        externalId: "a100-od",
        gpuType: "A100-80GB",
        market: "on-demand",
        total: 8,
        available: 8,
      },
    }),
  ]);
  return { cluster, agent, pools };
}

export async function createRunningWorkload(orgId: string, opts: { agentId: string; now?: Date; name?: string }) {
  const now = opts.now ?? new Date();
  const workload = await prisma.workload.create({
    data: {
      orgId,
      name: opts.name ?? "llama batch",
      kind: "batch",
      model: "meta-llama/Llama-3.1-8B",
      priority: "normal",
      status: "RUNNING",
      health: "AT_RISK",
      engine: "orca",
      spec: {
        kind: "batch",
        model: "meta-llama/Llama-3.1-8B",
        requests: 1000,
        avgInputTokens: 500,
        avgOutputTokens: 200,
        deadlineHours: 2,
      },
      deadlineAt: new Date(now.getTime() + 3_600_000),
      progressDone: 400,
      progressTotal: 1000,
      costUsd: 12,
      predictedCostUsd: 30,
      budgetUsd: 50,
      forecast: {
        p10: new Date(now.getTime() + 1_800_000).toISOString(),
        p50: new Date(now.getTime() + 3_000_000).toISOString(),
        p90: new Date(now.getTime() + 4_000_000).toISOString(),
        missProbability: 0.3,
        explanation: "tight",
      },
      startedAt: new Date(now.getTime() - 3_600_000),
    },
  });
  const decision = await prisma.decision.create({
    data: {
      orgId,
      workloadId: workload.id,
      kind: "initial",
      inputs: {},
      plan: {
        gpus: 2,
        costPerHour: 4,
        totalCost: 8,
        predictedHours: 2,
        replicas: [{ gpuType: "H100-SXM", market: "spot", tp: 1, count: 2 }],
      },
      alternatives: [{ summary: "1× A100-80GB on-demand", gpus: 1, costPerHour: 4.1, totalCost: 12, costDelta: 4 }],
      reason: "cheapest that meets the deadline",
    },
  });
  const assignment = await prisma.assignment.create({
    data: {
      orgId,
      agentId: opts.agentId,
      workloadId: workload.id,
      state: "running",
      decisionId: decision.id,
      progressDone: 400,
      progressTotal: 1000,
      costUsd: 12,
      placement: { gpuType: "H100-SXM", market: "spot", tp: 1, replicas: 2, gpus: 2 },
      latestMetrics: {
        throughput: { tokensPerSecond: 5000, outputTokensPerSecond: 1500 },
        gpuUtilPct: 87,
        batchSize: 64,
        kvCacheHitRate: 0.4,
      },
    },
  });
  await prisma.forecastPoint.create({
    data: {
      orgId,
      workloadId: workload.id,
      at: now,
      completed: 400,
      total: 1000,
      p10: new Date(now.getTime() + 1_800_000),
      p50: new Date(now.getTime() + 3_000_000),
      p90: new Date(now.getTime() + 4_000_000),
      missProbability: 0.3,
    },
  });
  await prisma.usageRecord.createMany({
    data: [
      {
        orgId,
        agentId: opts.agentId,
        assignmentId: assignment.id,
        component: "spot",
        gpuType: "H100-SXM",
        seconds: 7200,
        costUsd: 10,
        at: new Date(now.getTime() - 600_000),
      },
      {
        orgId,
        agentId: opts.agentId,
        assignmentId: assignment.id,
        component: "serverless",
        gpuType: "H100-SXM",
        seconds: 600,
        costUsd: 2,
        at: new Date(now.getTime() - 300_000),
      },
    ],
  });
  return { workload, decision, assignment };
}
