import { prisma } from "@koi/db";
import { seedAgent } from "./seed-agent.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * An org as it looks 40 minutes into a batch job that Koi scaled up: an online sim agent with GPU
 * pools, a RUNNING workload with forecast points, its decisions (plan, then scale-up), the live
 * assignment and the usage it reported — written straight into the e2e database, so the overview,
 * costs, fleet and workload pages have charts and tables to show.
 */
export async function seedRunningWorkload(orgId: string, now = new Date()) {
  const { cluster, agent } = await seedAgent(orgId, {
    engine: "sim",
    capabilities: ["spot"],
    clusterPrefix: "e2e",
    now,
  });
  const pool = await prisma.gpuPool.create({
    data: {
      orgId,
      clusterId: cluster.id,
      agentId: agent.id,
      externalId: "h100-spot",
      gpuType: "H100-SXM",
      market: "spot",
      total: 16,
      available: 8,
      pricePerGpuHour: 2.1,
    },
  });
  const startedAt = new Date(now.getTime() - 40 * MIN);
  const deadlineAt = new Date(startedAt.getTime() + 3 * HOUR);
  const p50 = new Date(now.getTime() + 70 * MIN);
  const workload = await prisma.workload.create({
    data: {
      orgId,
      name: "e2e nightly eval",
      kind: "batch",
      model: "meta-llama/Llama-3.1-70B-Instruct",
      spec: { kind: "batch", requests: 10_000, avgInputTokens: 800, avgOutputTokens: 300, deadlineHours: 3 },
      status: "RUNNING",
      health: "ON_TRACK",
      engine: "orca",
      deadlineAt,
      startedAt,
      createdAt: startedAt,
      progressDone: 3_000,
      progressTotal: 10_000,
      costUsd: 11,
      predictedCostUsd: 12.6,
      forecast: {
        p10: new Date(now.getTime() + 55 * MIN).toISOString(),
        p50: p50.toISOString(),
        p90: new Date(now.getTime() + 95 * MIN).toISOString(),
        missProbability: 0.02,
        explanation: "Predicted to finish 1h10m from now, well before the deadline.",
      },
    },
  });
  // Every field the worker's reader requires (ZPlacementRecord): the forecast sweep reads it.
  const placement = {
    poolId: pool.id,
    agentId: agent.id,
    gpuType: "H100-SXM",
    market: "spot",
    tp: 8,
    pp: 1,
    replicas: 2,
    gpus: 16,
    predictedTps: 6000,
    rawPredictedTps: 6000,
    replicaCostPerHour: 16.35,
  };
  const assignment = await prisma.assignment.create({
    data: {
      orgId,
      agentId: agent.id,
      workloadId: workload.id,
      state: "running",
      progressDone: 3_000,
      progressTotal: 10_000,
      costUsd: 11,
      placement,
      latestMetrics: { throughput: { tokensPerSecond: 6718 }, gpuUtilPct: 87, replicas: { live: 2, total: 2 } },
    },
  });
  await prisma.decision.createMany({
    data: [
      {
        orgId,
        workloadId: workload.id,
        kind: "initial",
        reason: "1 × H100-SXM TP8 on spot: 8 GPUs at $16.35/h for a predicted 0.77 h, $12.60 in total.",
        inputs: {},
        plan: { gpus: 8, costPerHour: 16.35, totalCost: 12.6, predictedHours: 0.77, summary: "1× H100-SXM TP8 spot" },
        alternatives: [{ summary: "1× A100-80GB TP8 on-demand", costDelta: 9.4, totalCost: 22, gpus: 8 }],
        createdAt: startedAt,
      },
      {
        orgId,
        workloadId: workload.id,
        kind: "scale_up",
        reason: "At risk: +8 H100-SXM (spot) → 1h06m ✓",
        inputs: {},
        plan: { from: 1, to: 2, placement },
        createdAt: new Date(startedAt.getTime() + 15 * MIN),
      },
    ],
  });
  await prisma.forecastPoint.createMany({
    data: Array.from({ length: 9 }, (_, i) => ({
      orgId,
      workloadId: workload.id,
      at: new Date(startedAt.getTime() + i * 5 * MIN),
      completed: Math.round((3_000 * i) / 8),
      total: 10_000,
      p10: new Date(now.getTime() + 55 * MIN),
      p50,
      p90: new Date(now.getTime() + 95 * MIN),
      missProbability: 0.02,
    })),
  });
  await prisma.usageRecord.createMany({
    data: Array.from({ length: 8 }, (_, i) => ({
      orgId,
      agentId: agent.id,
      assignmentId: assignment.id,
      component: i % 4 === 3 ? "serverless" : "spot",
      gpuType: "H100-SXM",
      seconds: 300 * 8,
      costUsd: 1.375,
      at: new Date(startedAt.getTime() + i * 5 * MIN),
    })),
  });
  return { agent, cluster, pool, workload, assignment };
}
