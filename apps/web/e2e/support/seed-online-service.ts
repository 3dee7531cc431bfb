import { prisma } from "@koi/db";
import { seedAgent } from "./seed-agent.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * An org two hours into an online chat service on Tuna that Koi scaled down for the night and up
 * again: a Tuna agent with spot and serverless L4 pools, the RUNNING workload with its scaling
 * state (policy, forecast band, SLO health), two hours of samples, and its decisions — written
 * straight into the e2e database. The scaling state names the newest sample as already planned,
 * so the worker's online sweep leaves it as it is.
 */
export async function seedOnlineService(orgId: string, now = new Date()) {
  const { cluster, agent } = await seedAgent(orgId, {
    engine: "tuna",
    capabilities: ["spot", "serverless", "routing"],
    clusterPrefix: "tuna",
    now,
  });
  const pool = await prisma.gpuPool.create({
    data: {
      orgId,
      clusterId: cluster.id,
      agentId: agent.id,
      externalId: "tuna:spot:L4",
      gpuType: "L4",
      market: "spot",
      total: 8,
      available: 8,
      pricePerGpuHour: 0.4,
    },
  });
  const startedAt = new Date(now.getTime() - 2 * HOUR);
  const policy = (min: number, max: number) => ({
    spot: { min_replicas: min, max_replicas: max, target_qps: 2, upscale_delay: 60, downscale_delay: 300 },
    serverless: { concurrency: 8, scaledown_window: 60, workers_min: 0, workers_max: 2 },
  });
  // Rate falls from 6 to 1.5 req/s over the first hour and climbs back to 7 by now.
  const rateAt = (i: number) => (i < 60 ? 6 - (4.5 * i) / 60 : 1.5 + (5.5 * (i - 60)) / 59);
  const samples = Array.from({ length: 120 }, (_, i) => {
    const at = new Date(startedAt.getTime() + (i + 1) * MIN);
    const rps = rateAt(i);
    const replicas = Math.max(1, Math.ceil(rps / 2));
    return { at, rps, replicas };
  });
  const last = samples.at(-1)!;
  const workload = await prisma.workload.create({
    data: {
      orgId,
      name: "e2e support chat",
      kind: "online",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      spec: {
        kind: "online",
        model: "meta-llama/Llama-3.1-8B-Instruct",
        requestsPerSecond: 6,
        avgInputTokens: 800,
        avgOutputTokens: 200,
        ttftP95Ms: 2000,
        tpotP95Ms: 100,
      },
      status: "RUNNING",
      health: "ON_TRACK",
      engine: "tuna",
      startedAt,
      createdAt: startedAt,
      costUsd: 1.9,
      predictedCostUsd: 1.6,
      statusDetail: "Keeps 4 spot L4 replicas for the afternoon peak.",
      scaling: {
        state: { key: `${pool.id}|1`, replicas: 4 },
        policy: policy(4, 5),
        plannedAt: now.toISOString(),
        lastSampleAt: last.at.toISOString(),
        clockRate: 1,
        forecast: {
          basis: "recent-level",
          explanation: "only 2 h reported: the last hour's 4.3 req/s carried forward, band widened",
          points: Array.from({ length: 6 }, (_, k) => ({
            start: new Date(now.getTime() + k * HOUR).toISOString(),
            end: new Date(now.getTime() + (k + 1) * HOUR).toISOString(),
            p10: 4,
            p50: 6.5,
            p90: 8.5,
          })),
        },
        health: { status: "ON_TRACK", reasons: [], breachSince: null },
        plan: {
          feasible: true,
          costPerHour: 1.6,
          ratePerReplica: 2.3,
          gpuType: "L4",
          predictedLatency: { ttftP95Ms: 450, tpotP95Ms: 48 },
          binding: null,
        },
      },
    },
  });
  const assignment = await prisma.assignment.create({
    data: {
      orgId,
      agentId: agent.id,
      workloadId: workload.id,
      state: "running",
      costUsd: 1.9,
      placement: {
        poolId: pool.id,
        agentId: agent.id,
        gpuType: "L4",
        market: "spot",
        tp: 1,
        pp: 1,
        replicas: 1,
        gpus: 1,
        predictedTps: 2000,
        rawPredictedTps: 2000,
        replicaCostPerHour: 0.4,
      },
    },
  });
  await prisma.onlineSample.createMany({
    data: samples.map((s, i) => ({
      orgId,
      workloadId: workload.id,
      assignmentId: assignment.id,
      at: s.at,
      engineAt: s.at,
      intervalSeconds: 60,
      requestsPerSecond: s.rps,
      inputTokensPerSecond: s.rps * 800,
      outputTokensPerSecond: s.rps * 200,
      ttftP95Ms: 380 + 20 * (i % 5),
      tpotP95Ms: 42 + (i % 7),
      e2eP95Ms: 9000,
      running: s.rps * 8,
      waiting: 0,
      kvCacheUsage: 0.3,
      pctSpot: i % 30 === 0 ? 70 : 100,
      rejected: 0,
      spotReplicas: s.replicas,
      serverlessConcurrency: 8,
      costPerHour: s.replicas * 0.4,
    })),
  });
  await prisma.decision.createMany({
    data: [
      {
        kind: "initial",
        at: startedAt,
        p: policy(3, 4),
        reason: "6.0 req/s at the P90: 3 × spot L4 at 2.3 req/s each.",
      },
      {
        kind: "scale_down",
        at: new Date(startedAt.getTime() + 45 * MIN),
        p: policy(1, 3),
        reason: "The night's 1.5 req/s needs 1 replica.",
      },
      {
        kind: "scale_up",
        at: new Date(startedAt.getTime() + 100 * MIN),
        p: policy(4, 5),
        reason: "The peak's 7 req/s at the P90 needs 4 replicas.",
      },
    ].map((d) => ({
      orgId,
      workloadId: workload.id,
      kind: d.kind,
      reason: d.reason,
      inputs: {},
      plan: {
        policy: d.p,
        summary: `spot ${d.p.spot.min_replicas}–${d.p.spot.max_replicas} × L4`,
        costPerHour: d.p.spot.min_replicas * 0.4,
      },
      alternatives: [{ summary: "serverless L4 only", costDelta: 1.2 }],
      createdAt: d.at,
    })),
  });
  return { agent, workload, assignment };
}
