import { afterAll, describe, expect, it } from "vitest";
import type { TGpuPool } from "@koi/contracts/agent/heartbeat";
import { workloadOf, type TDecisionKind, type TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { decisions } from "@koi/core/metrics/koi-metrics";
import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { resolveModel } from "@koi/catalog";
import {
  correctionFactor,
  emptyCalibration,
  recordObservation,
  type TAlternative,
  type TCalibrationTable,
  type TPlanOption,
  type TReplicaGroup,
  type TWorkload,
} from "@koi/planner";
import { recordHeartbeat } from "../agents/record-heartbeat.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { registration } from "../agents/test-fixtures.ts";
import { buildOrgCapacity } from "./build-org-capacity.ts";
import { dispatchPlan } from "./dispatch-plan.ts";

// dispatchPlan is what a chosen plan leaves in the database: the Decision, one Assignment on the
// agent owning the plan's largest group, its deploy Command (the exact payload the agent receives),
// and the workload moved to DISPATCHING. Each row is read back whole, from real agents and pools
// (two agents in two clusters, so "this agent's groups" means something), and the refusals must
// leave no row behind.

const orgIds: string[] = [];
afterAll(async () => {
  // No worker relays these rows here; later test files count the shared database's outbox.
  await prisma.outboxEvent.deleteMany({ where: { orgId: { in: orgIds }, publishedAt: null } });
});

const MODEL = "meta-llama/Llama-3.1-70B-Instruct";
const DEADLINE = new Date("2026-11-02T14:00:00.000Z");

const pool = (id: string, gpuType: string, market: TGpuPool["market"], total: number): TGpuPool => ({
  id,
  gpuType,
  market,
  total,
  available: total,
  quota: null,
  pricePerGpuHour: 2,
});

async function agentIn(orgId: string, clusterName: string, pools: TGpuPool[]) {
  const base = registration("sim");
  const { agentId } = await registerAgent(orgId, "key_test", {
    ...base,
    cluster: { ...base.cluster, name: clusterName },
  });
  await recordHeartbeat(orgId, agentId, { inventory: { pools }, assignments: [] });
  return agentId;
}

/**
 * An org with two agents: orca-east (an L40S spot pool and an H100 on-demand pool) and eu-west (an
 * A100 pool). Pool ids are the GpuPool rows' ids, as buildOrgCapacity gives them to the planner.
 */
async function setUp() {
  const org = await createTestOrg();
  orgIds.push(org.id);
  const east = await agentIn(org.id, "orca-east", [
    pool("l40s-spot", "L40S", "spot", 16),
    pool("h100-od", "H100-SXM", "on-demand", 8),
  ]);
  const west = await agentIn(org.id, "eu-west", [pool("a100-od", "A100-80GB", "on-demand", 8)]);
  const { owners } = await buildOrgCapacity(org.id);
  const poolId = (agentId: string, gpuType: string) =>
    Object.values(owners).find((o) => o.agentId === agentId && o.gpuType === gpuType)!.poolId;
  return {
    org,
    east,
    west,
    owners,
    l40s: poolId(east, "L40S"),
    h100: poolId(east, "H100-SXM"),
    a100: poolId(west, "A100-80GB"),
  };
}

const batchSpec: TWorkloadSubmission = {
  kind: "batch",
  model: MODEL,
  requests: 20_000,
  avgInputTokens: 1000,
  avgOutputTokens: 300,
  deadlineHours: 2,
  priority: "high",
  input: { uri: "s3://bucket/nightly/" },
};
// What is left after 5,000 requests: the Assignment counts down from these, not from the spec's.
const batchRemaining: TWorkload = {
  kind: "batch",
  model: MODEL,
  requests: 15_000,
  avgInputTokens: 1000,
  avgOutputTokens: 300,
  deadlineHours: 1.5,
  priority: "high",
};

const onlineSpec: TWorkloadSubmission = {
  kind: "online",
  model: MODEL,
  requestsPerSecond: 4,
  avgInputTokens: 500,
  avgOutputTokens: 200,
  ttftP95Ms: 2000,
  tpotP95Ms: 50,
};
const onlineRemaining = workloadOf(onlineSpec);

async function workloadIn(orgId: string, spec: TWorkloadSubmission, costUsd: number) {
  return prisma.workload.create({
    data: {
      orgId,
      name: "nightly-eval",
      kind: spec.kind,
      model: MODEL,
      spec,
      status: "PLANNING",
      costUsd,
      ...(spec.kind === "batch" ? { deadlineAt: DEADLINE } : {}),
    },
  });
}

/**
 * Two reports of twice the predicted throughput on L40S TP4: the factor is exactly 2. Keyed as
 * completeWorkload stores factors and the planner reads them: by the catalog's model id.
 */
function calibrationL40sTp4(): TCalibrationTable {
  const key = { model: resolveModel({ model: MODEL }).id, gpu: "L40S", tp: 4 };
  const once = recordObservation(emptyCalibration(), {
    ...key,
    observedTokensPerSecond: 2000,
    predictedTokensPerSecond: 1000,
  });
  return recordObservation(once, { ...key, observedTokensPerSecond: 3000, predictedTokensPerSecond: 1500 });
}

const group = (over: Partial<TReplicaGroup> & Pick<TReplicaGroup, "poolId">): TReplicaGroup => ({
  gpuType: "L40S",
  market: "spot",
  tp: 4,
  count: 2,
  role: "both",
  ...over,
});

const alternative = (replicas: TReplicaGroup[], tokensPerSecond: number, costPerHour: number): TAlternative => ({
  replicas,
  gpus: replicas.reduce((n, r) => n + r.count * r.tp * (r.pp ?? 1), 0),
  costPerHour,
  totalCost: costPerHour * 2,
  tokensPerSecond,
  costDelta: 5,
  summary: `${replicas.length} group(s) at $${costPerHour}/h`,
});

async function decisionsCounted(kind: TDecisionKind): Promise<number> {
  const { values } = await decisions.get();
  return values.find((v) => v.labels.kind === kind)?.value ?? 0;
}

const rowsOf = async (orgId: string) => ({
  decisions: await prisma.decision.count({ where: { orgId } }),
  assignments: await prisma.assignment.count({ where: { orgId } }),
  commands: await prisma.command.count({ where: { orgId } }),
});

describe("dispatchPlan of a batch plan", () => {
  it("writes the Decision, the Assignment, the deploy Command and the DISPATCHING workload, word for word", async () => {
    const { org, east, owners, l40s, h100, a100 } = await setUp();
    const workload = await workloadIn(org.id, batchSpec, 12.5);
    const calibration = calibrationL40sTp4();
    expect(correctionFactor(calibration, { model: "llama-3.1-70b", gpu: "L40S", tp: 4 })).toBe(2);

    const option: TPlanOption = {
      replicas: [
        // 4 GPUs on orca-east, staged over two machines: sent in `groups` with its machines.
        group({
          poolId: h100,
          gpuType: "H100-SXM",
          market: "on-demand",
          tp: 2,
          pp: 2,
          count: 1,
          role: "prefill",
          machines: 1,
          instanceType: "p5.48xlarge",
        }),
        // 8 GPUs: the largest group, which the Assignment runs.
        group({ poolId: l40s, tp: 4, count: 2, role: "decode" }),
        // eu-west's: another agent runs it, so it is not in this agent's groups.
        group({ poolId: a100, gpuType: "A100-80GB", market: "on-demand", tp: 1, count: 1 }),
        // TP3 is no engine's tensor-parallel degree: left out of the groups.
        group({ poolId: h100, gpuType: "H100-SXM", market: "on-demand", tp: 3, count: 1 }),
      ],
      gpus: 16,
      costPerHour: 30,
      predictedHours: 2,
      totalCost: 60,
      tokensPerSecond: 4000,
    };
    const alternatives: TAlternative[] = [
      alternative([group({ poolId: l40s, tp: 4, count: 3 })], 6000, 45),
      // The A100 group comes first but the H100 one is larger; the rate is per replica of all 4.
      alternative(
        [
          group({ poolId: a100, gpuType: "A100-80GB", market: "on-demand", tp: 1, count: 3 }),
          group({ poolId: h100, gpuType: "H100-SXM", market: "on-demand", tp: 8, count: 1 }),
        ],
        2000,
        40,
      ),
      // Largest group at TP3: the engine could not launch it, so the whole alternative is dropped.
      alternative(
        [
          group({ poolId: h100, gpuType: "H100-SXM", market: "on-demand", tp: 3, count: 2 }),
          group({ poolId: l40s, tp: 1, count: 1 }),
        ],
        1500,
        35,
      ),
      // No replicas: nothing to fall back to.
      alternative([], 0, 0),
      alternative(
        [group({ poolId: a100, gpuType: "A100-80GB", market: "on-demand", tp: 4, pp: 2, count: 1 })],
        900,
        33,
      ),
      // A group of no replicas: the rate is not divided by zero.
      alternative([group({ poolId: l40s, tp: 2, count: 0 })], 700, 31),
      alternative([group({ poolId: a100, gpuType: "A100-80GB", market: "reserved", tp: 2, count: 2 })], 1600, 32),
      alternative([group({ poolId: h100, gpuType: "H100-SXM", market: "spot", tp: 8, count: 2 })], 7000, 50),
      // The 9th and 10th: past the 8 the payload carries.
      alternative([group({ poolId: l40s, market: "on-demand", tp: 1, count: 1 })], 100, 3),
      alternative([group({ poolId: l40s, market: "on-demand", tp: 2, count: 1 })], 200, 6),
    ];
    const inputs = { trigger: "submitted", poolsSeen: 3 };
    const countedBefore = await decisionsCounted("initial");

    const result = await prisma.$transaction((tx) =>
      dispatchPlan(tx, {
        workload,
        remaining: batchRemaining,
        kind: "initial",
        option,
        engine: "orca",
        alternatives,
        reason: "Cheapest plan that meets the deadline.",
        inputs,
        org: { owners },
        calibration,
      }),
    );

    const placement = {
      poolId: l40s,
      agentId: east,
      gpuType: "L40S",
      market: "spot",
      tp: 4,
      pp: 1,
      replicas: 2,
      gpus: 8,
      predictedTps: 1000, // 4000 tok/s × 8/16 GPUs over 2 replicas
      rawPredictedTps: 500, // ÷ the calibration factor 2
      replicaCostPerHour: 7.5, // $30/h × 8/16 over 2 replicas
      split: true, // the plan has prefill and decode groups
    };
    const decision = await prisma.decision.findFirstOrThrow({ where: { orgId: org.id } });
    expect(decision).toMatchObject({
      orgId: org.id,
      workloadId: workload.id,
      kind: "initial",
      reason: "Cheapest plan that meets the deadline.",
    });
    expect(decision.inputs).toEqual(inputs);
    expect(decision.plan).toEqual({ ...option, engine: "orca", placement });
    // The Decision keeps every alternative; only the payload is cut to what an engine can try.
    expect(decision.alternatives).toEqual(alternatives);
    expect(await decisionsCounted("initial")).toBe(countedBefore + 1);

    const assignment = await prisma.assignment.findFirstOrThrow({ where: { orgId: org.id } });
    expect(assignment).toMatchObject({
      orgId: org.id,
      agentId: east,
      workloadId: workload.id,
      decisionId: decision.id,
      state: "deploying",
      epoch: 1,
      progressDone: 0,
      progressTotal: 15_000, // the remaining requests, not the spec's 20,000
    });
    expect(assignment.placement).toEqual(placement);

    const command = await prisma.command.findFirstOrThrow({ where: { orgId: org.id } });
    expect(command).toMatchObject({
      agentId: east,
      assignmentId: assignment.id,
      type: "deploy",
      epoch: 1,
      status: "PENDING",
    });
    expect(command.payload).toEqual({
      workload: {
        kind: "batch",
        model: MODEL,
        requests: 15_000,
        avgInputTokens: 1000,
        avgOutputTokens: 300,
        deadlineAt: "2026-11-02T14:00:00.000Z",
        priority: "high",
        input: { uri: "s3://bucket/nightly/" },
      },
      placement: { gpuType: "L40S", tp: 4, pp: 1, replicas: 2, market: "spot" },
      alternatives: [
        { gpuType: "L40S", tp: 4, pp: 1, market: "spot", predictedTps: 2000, costPerHour: 45 },
        { gpuType: "H100-SXM", tp: 8, pp: 1, market: "on-demand", predictedTps: 500, costPerHour: 40 },
        // The group's two stages are passed on (they were sent as PP 1, a shape an engine falling
        // back to it could not fit).
        { gpuType: "A100-80GB", tp: 4, pp: 2, market: "on-demand", predictedTps: 900, costPerHour: 33 },
        { gpuType: "L40S", tp: 2, pp: 1, market: "spot", predictedTps: 700, costPerHour: 31 },
        { gpuType: "A100-80GB", tp: 2, pp: 1, market: "reserved", predictedTps: 800, costPerHour: 32 },
        { gpuType: "H100-SXM", tp: 8, pp: 1, market: "spot", predictedTps: 3500, costPerHour: 50 },
      ],
      decisionId: decision.id,
      predictedTps: 1000,
      groups: [
        {
          gpuType: "H100-SXM",
          tp: 2,
          pp: 2,
          replicas: 1,
          market: "on-demand",
          role: "prefill",
          machines: 1,
          instanceType: "p5.48xlarge",
        },
        { gpuType: "L40S", tp: 4, pp: 1, replicas: 2, market: "spot", role: "decode" },
      ],
    });
    // Absent, not null: an agent reads a missing key as "single GPUs" (jsonb sorts the keys).
    expect(Object.keys((command.payload as { groups: object[] }).groups[1]!).sort()).toEqual([
      "gpuType",
      "market",
      "pp",
      "replicas",
      "role",
      "tp",
    ]);

    expect(await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } })).toMatchObject({
      status: "DISPATCHING",
      engine: "orca",
      predictedCostUsd: 72.5, // $12.50 spent so far + the plan's $60
      statusDetail: "deploying 2× L40S (TP4, spot) on orca-east",
    });
    expect(result).toEqual({ agentId: east, decisionId: decision.id, assignmentId: assignment.id });
    expect(await rowsOf(org.id)).toEqual({ decisions: 1, assignments: 1, commands: 1 });
  });

  it("gives the Assignment to the agent of the largest group, with only that agent's groups", async () => {
    const { org, west, owners, h100, a100 } = await setUp();
    const workload = await workloadIn(org.id, batchSpec, 0);
    const option: TPlanOption = {
      replicas: [
        group({ poolId: h100, gpuType: "H100-SXM", market: "on-demand", tp: 2, count: 1 }),
        group({ poolId: a100, gpuType: "A100-80GB", market: "on-demand", tp: 4, count: 2 }),
        // A pool no agent of the org owns any more: nobody's group, and no reason to refuse.
        group({ poolId: "gone-pool", tp: 2, count: 1 }),
      ],
      gpus: 12,
      costPerHour: 24,
      totalCost: 48,
      tokensPerSecond: 3000,
    };
    const result = await prisma.$transaction((tx) =>
      dispatchPlan(tx, {
        workload,
        remaining: batchRemaining,
        kind: "replan",
        option,
        engine: "orca",
        alternatives: [],
        reason: "Replanned.",
        inputs: {},
        org: { owners },
        calibration: emptyCalibration(),
      }),
    );
    const assignment = await prisma.assignment.findFirstOrThrow({ where: { orgId: org.id } });
    expect(result).toMatchObject({ agentId: west, assignmentId: assignment.id });
    expect(assignment).toMatchObject({ agentId: west, progressTotal: 15_000 });
    expect(assignment.placement).toEqual({
      poolId: a100,
      agentId: west,
      gpuType: "A100-80GB",
      market: "on-demand",
      tp: 4,
      pp: 1,
      replicas: 2,
      gpus: 8,
      predictedTps: 1000, // 3000 × 8/12 over 2
      rawPredictedTps: 1000, // nothing calibrated
      replicaCostPerHour: 8, // 24 × 8/12 over 2
    });
    const command = await prisma.command.findFirstOrThrow({ where: { orgId: org.id } });
    expect(command.agentId).toBe(west);
    expect(command.payload).toMatchObject({
      placement: { gpuType: "A100-80GB", tp: 4, pp: 1, replicas: 2, market: "on-demand" },
      predictedTps: 1000,
      alternatives: [],
      groups: [{ gpuType: "A100-80GB", tp: 4, pp: 1, replicas: 2, market: "on-demand", role: "both" }],
    });
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } })).toMatchObject({
      predictedCostUsd: 48, // nothing spent yet
      statusDetail: "deploying 2× A100-80GB (TP4, on-demand) on eu-west",
    });
  });
});

describe("dispatchPlan of an online plan", () => {
  it("counts no requests down and predicts the plan's cost per hour, not the spend so far plus it", async () => {
    const { org, east, owners, l40s } = await setUp();
    const workload = await workloadIn(org.id, onlineSpec, 3);
    const option: TPlanOption = {
      replicas: [group({ poolId: l40s, tp: 4, count: 2 })],
      gpus: 8,
      costPerHour: 30,
      totalCost: 30,
      tokensPerSecond: 4000,
    };
    const countedBefore = await decisionsCounted("scale_up");
    const result = await prisma.$transaction((tx) =>
      dispatchPlan(tx, {
        workload,
        remaining: onlineRemaining,
        kind: "scale_up",
        option,
        engine: "tuna",
        alternatives: [],
        reason: "More traffic.",
        inputs: { requestsPerSecond: 4 },
        org: { owners },
        calibration: calibrationL40sTp4(),
      }),
    );
    const decision = await prisma.decision.findFirstOrThrow({ where: { orgId: org.id } });
    expect(decision).toMatchObject({ kind: "scale_up", reason: "More traffic.", alternatives: [] });
    expect(await decisionsCounted("scale_up")).toBe(countedBefore + 1);
    const assignment = await prisma.assignment.findFirstOrThrow({ where: { orgId: org.id } });
    expect(assignment).toMatchObject({ agentId: east, state: "deploying", progressTotal: 0 });
    expect(assignment.placement).toMatchObject({ predictedTps: 2000, rawPredictedTps: 1000, replicaCostPerHour: 15 });
    const command = await prisma.command.findFirstOrThrow({ where: { orgId: org.id } });
    expect(command.payload).toEqual({
      workload: { kind: "online", model: MODEL, avgInputTokens: 500, avgOutputTokens: 200, requestsPerSecond: 4 },
      placement: { gpuType: "L40S", tp: 4, pp: 1, replicas: 2, market: "spot" },
      alternatives: [],
      decisionId: decision.id,
      predictedTps: 2000,
      groups: [{ gpuType: "L40S", tp: 4, pp: 1, replicas: 2, market: "spot", role: "both" }],
    });
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } })).toMatchObject({
      status: "DISPATCHING",
      engine: "tuna",
      predictedCostUsd: 30,
      statusDetail: "deploying 2× L40S (TP4, spot) on orca-east",
    });
    expect(result).toEqual({ agentId: east, decisionId: decision.id, assignmentId: assignment.id });
  });
});

describe("dispatchPlan refuses, writing nothing", () => {
  async function refused(replicas: (pools: Awaited<ReturnType<typeof setUp>>) => TReplicaGroup[]) {
    const pools = await setUp();
    const workload = await workloadIn(pools.org.id, batchSpec, 0);
    const countedBefore = await decisionsCounted("failover");
    const result = await prisma.$transaction((tx) =>
      dispatchPlan(tx, {
        workload,
        remaining: batchRemaining,
        kind: "failover",
        option: { replicas: replicas(pools), gpus: 8, costPerHour: 10, totalCost: 20, tokensPerSecond: 1000 },
        engine: "orca",
        alternatives: [],
        reason: "Failover.",
        inputs: {},
        org: { owners: pools.owners },
        calibration: emptyCalibration(),
      }),
    );
    expect(result).toBeNull();
    expect(await rowsOf(pools.org.id)).toEqual({ decisions: 0, assignments: 0, commands: 0 });
    expect(await decisionsCounted("failover")).toBe(countedBefore);
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } })).toMatchObject({
      status: "PLANNING",
      engine: null,
      predictedCostUsd: null,
      statusDetail: null,
    });
  }

  it("a plan without replicas", async () => {
    await refused(() => []);
  });

  it("a plan whose largest group is on a pool no agent of the org owns (even if a smaller one is)", async () => {
    await refused(({ l40s }) => [group({ poolId: l40s, tp: 1, count: 2 }), group({ poolId: "gone-pool", count: 2 })]);
  });

  it("a plan whose largest group runs at a TP no engine launches (TP3)", async () => {
    await refused(({ h100, l40s }) => [
      group({ poolId: l40s, tp: 1, count: 2 }),
      group({ poolId: h100, gpuType: "H100-SXM", market: "on-demand", tp: 3, count: 2 }),
    ]);
  });
});
