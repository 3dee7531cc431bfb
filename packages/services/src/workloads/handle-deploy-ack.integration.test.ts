import { afterAll, describe, expect, it } from "vitest";
import type { TGpuPool } from "@koi/contracts/agent/heartbeat";
import type { TRegisterRequest } from "@koi/contracts/agent/register";
import { prisma, type Prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import type { TAlternative, TReplicaGroup } from "@koi/planner";
import { recordHeartbeat } from "../agents/record-heartbeat.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { registration } from "../agents/test-fixtures.ts";
import { handleDeployAck } from "./handle-deploy-ack.ts";
import { a100Pool, batchSubmission, h100Pool } from "./test-fixtures.ts";

// handleDeployAck called directly inside a transaction, on rows set up in exactly the state each
// rule reads: what an accepted deploy moves to RUNNING, when a failed one fails over (and to which
// of the Decision's alternatives, judged against the pools' live capacity), and when it fails the
// workload. Every row of the org is compared before and after, so "nothing else" is checked too.

const orgIds: string[] = [];
afterAll(async () => {
  // No worker relays these rows here; later test files count the shared database's outbox.
  await prisma.outboxEvent.deleteMany({ where: { orgId: { in: orgIds }, publishedAt: null } });
});

const NOW = new Date("2026-11-02T12:00:00.000Z");
const EARLIER = new Date("2026-11-02T11:30:00.000Z");

async function newOrg() {
  const org = await createTestOrg();
  orgIds.push(org.id);
  return org.id;
}

/** A registered agent (cluster "us-east") reporting `pools`: GpuPool rows, as buildOrgCapacity reads them. */
async function addAgent(orgId: string, pools: TGpuPool[] = [], engine: TRegisterRequest["engine"] = "sim") {
  const { agentId } = await registerAgent(orgId, "key_test", registration(engine));
  if (pools.length) await recordHeartbeat(orgId, agentId, { inventory: { pools }, assignments: [] });
  return agentId;
}

/** The GpuPool row id of the agent's pool reported as `externalId`: the id alternatives name. */
async function poolIdOf(agentId: string, externalId: string) {
  return (await prisma.gpuPool.findFirstOrThrow({ where: { agentId, externalId } })).id;
}

/** A batch workload (20,000 requests, 5,000 done, due two hours after NOW) being deployed. */
async function addWorkload(orgId: string, over: Partial<Prisma.WorkloadUncheckedCreateInput> = {}) {
  const submission = batchSubmission();
  return prisma.workload.create({
    data: {
      orgId,
      name: "nightly-eval",
      kind: "batch",
      model: submission.model,
      spec: submission as unknown as Prisma.InputJsonValue,
      status: "DISPATCHING",
      statusDetail: "deploying 2× H100-SXM (TP4, on-demand) on us-east",
      deadlineAt: new Date(NOW.getTime() + 2 * 3_600_000),
      progressDone: 5_000,
      progressTotal: 20_000,
      engine: "orca",
      ...over,
    },
  });
}

/** The Decision that placed the failing assignment, holding the planner's runners-up. */
async function addDecision(orgId: string, workloadId: string, alternatives: TAlternative[]) {
  return prisma.decision.create({
    data: {
      orgId,
      workloadId,
      kind: "initial",
      inputs: {},
      plan: {},
      alternatives: alternatives as unknown as Prisma.InputJsonValue,
      reason: "Cheapest plan that meets the deadline.",
    },
  });
}

async function addAssignment(
  orgId: string,
  agentId: string,
  workloadId: string | null,
  state: string,
  over: Partial<Prisma.AssignmentUncheckedCreateInput> = {},
) {
  return prisma.assignment.create({ data: { orgId, agentId, workloadId, state, progressTotal: 15_000, ...over } });
}

const group = (poolId: string, gpuType: string, count: number, tp: number, pp?: number): TReplicaGroup => ({
  poolId,
  gpuType,
  market: "on-demand",
  tp,
  ...(pp ? { pp } : {}),
  count,
  role: "both",
});

/** A runner-up plan of `groups`, named by `summary` (the failover reason quotes it). */
const alternative = (summary: string, groups: TReplicaGroup[]): TAlternative => ({
  replicas: groups,
  gpus: groups.reduce((n, g) => n + g.count * g.tp * (g.pp ?? 1), 0),
  costPerHour: 24,
  totalCost: 48,
  tokensPerSecond: 8_000,
  costDelta: 3,
  summary,
});

const ack = (
  assignmentId: string,
  status: "ACCEPTED" | "COMPLETED" | "REJECTED" | "FAILED",
  detail: string | null = "no capacity in us-east-1a",
) => prisma.$transaction((tx) => handleDeployAck(tx, assignmentId, status, detail, NOW));

/** Every row of the org handleDeployAck may write, in a stable order. */
async function snapshot(orgId: string) {
  const where = { where: { orgId }, orderBy: { id: "asc" as const } };
  return {
    workloads: await prisma.workload.findMany(where),
    assignments: await prisma.assignment.findMany(where),
    decisions: await prisma.decision.findMany(where),
    commands: await prisma.command.findMany(where),
  };
}
type TSnapshot = Awaited<ReturnType<typeof snapshot>>;

/** `before` with one assignment's state changed (its updatedAt moves with it). */
function withAssignmentState(before: TSnapshot, assignmentId: string, state: string): TSnapshot {
  return {
    ...before,
    assignments: before.assignments.map((a) =>
      a.id === assignmentId ? { ...a, state, updatedAt: expect.any(Date) as Date } : a,
    ),
  };
}

const reloadWorkload = (id: string) => prisma.workload.findUniqueOrThrow({ where: { id } });
const reloadAssignment = (id: string) => prisma.assignment.findUniqueOrThrow({ where: { id } });
const failoverOf = (workloadId: string) =>
  prisma.decision.findFirstOrThrow({ where: { workloadId, kind: "failover" } });

describe("handleDeployAck for an assignment without a workload", () => {
  it.each(["ACCEPTED", "COMPLETED", "REJECTED", "FAILED"] as const)(
    "%s: returns [] and writes nothing, not even the assignment's state",
    async (status) => {
      const orgId = await newOrg();
      const agentId = await addAgent(orgId, [h100Pool(64)]);
      const a = await addAssignment(orgId, agentId, null, "deploying");
      const before = await snapshot(orgId);

      expect(await ack(a.id, status)).toEqual([]);
      expect(await snapshot(orgId)).toEqual(before);
    },
  );

  it("returns [] for an assignment that does not exist", async () => {
    expect(await ack("no-such-assignment", "REJECTED")).toEqual([]);
  });
});

describe.each(["ACCEPTED", "COMPLETED"] as const)("handleDeployAck %s", (status) => {
  it("moves a deploying assignment to running and a DISPATCHING workload to RUNNING, started now, status line cleared", async () => {
    const orgId = await newOrg();
    const agentId = await addAgent(orgId);
    const w = await addWorkload(orgId);
    const a = await addAssignment(orgId, agentId, w.id, "deploying");
    const before = await snapshot(orgId);

    expect(await ack(a.id, status)).toEqual([]);
    expect(await reloadWorkload(w.id)).toEqual({
      ...w,
      status: "RUNNING",
      startedAt: NOW,
      statusDetail: null,
      updatedAt: expect.any(Date),
    });
    expect((await snapshot(orgId)).assignments).toEqual(withAssignmentState(before, a.id, "running").assignments);
    // No failover, no command: an accepted deploy only moves state.
    expect((await snapshot(orgId)).decisions).toEqual(before.decisions);
    expect((await snapshot(orgId)).commands).toEqual(before.commands);
  });

  it("keeps the start time of a workload that already started (a failover's second deploy)", async () => {
    const orgId = await newOrg();
    const agentId = await addAgent(orgId);
    const w = await addWorkload(orgId, { startedAt: EARLIER });
    const a = await addAssignment(orgId, agentId, w.id, "deploying");

    expect(await ack(a.id, status)).toEqual([]);
    expect(await reloadWorkload(w.id)).toEqual({
      ...w,
      status: "RUNNING",
      startedAt: EARLIER,
      statusDetail: null,
      updatedAt: expect.any(Date),
    });
  });

  it.each(["pending", "running", "paused", "stopping", "lost", "failed"])(
    "leaves an assignment in state %s as it is, while the DISPATCHING workload still starts",
    async (state) => {
      const orgId = await newOrg();
      const agentId = await addAgent(orgId);
      const w = await addWorkload(orgId);
      const a = await addAssignment(orgId, agentId, w.id, state);

      expect(await ack(a.id, status)).toEqual([]);
      expect(await reloadAssignment(a.id)).toEqual(a);
      expect(await reloadWorkload(w.id)).toMatchObject({ status: "RUNNING", startedAt: NOW, statusDetail: null });
    },
  );

  it.each(["PENDING", "PLANNING", "RUNNING", "PAUSED", "COMPLETED", "FAILED", "CANCELLED"] as const)(
    "leaves a %s workload untouched (status line and start time too) but still marks the deploying assignment running",
    async (workloadStatus) => {
      const orgId = await newOrg();
      const agentId = await addAgent(orgId);
      const w = await addWorkload(orgId, { status: workloadStatus, statusDetail: "as it was" });
      const a = await addAssignment(orgId, agentId, w.id, "deploying");

      expect(await ack(a.id, status)).toEqual([]);
      expect(await reloadWorkload(w.id)).toEqual(w);
      expect(await reloadAssignment(a.id)).toMatchObject({ state: "running" });
    },
  );
});

describe.each(["REJECTED", "FAILED"] as const)("handleDeployAck %s: when it fails over at all", (status) => {
  /** A failed deploy whose Decision has one alternative that fits easily: only the gates decide. */
  async function failingDeploy(over: Partial<Prisma.WorkloadUncheckedCreateInput> = {}) {
    const orgId = await newOrg();
    const agentId = await addAgent(orgId, [h100Pool(64)]);
    const h100 = await poolIdOf(agentId, "h100-od");
    const w = await addWorkload(orgId, over);
    const decision = await addDecision(orgId, w.id, [alternative("2× H100-SXM TP4", [group(h100, "H100-SXM", 2, 4)])]);
    const a = await addAssignment(orgId, agentId, w.id, "deploying", { decisionId: decision.id });
    return { orgId, agentId, w, a };
  }

  it.each(["PENDING", "PLANNING", "PAUSED", "COMPLETED", "FAILED", "CANCELLED"] as const)(
    "only marks the assignment failed when the workload is %s: no failover, the workload untouched",
    async (workloadStatus) => {
      const { orgId, a } = await failingDeploy({ status: workloadStatus, statusDetail: "as it was" });
      const before = await snapshot(orgId);

      expect(await ack(a.id, status)).toEqual([]);
      expect(await snapshot(orgId)).toEqual(withAssignmentState(before, a.id, "failed"));
    },
  );

  it.each(["pending", "deploying", "running", "paused", "stopping"])(
    "only marks the assignment failed while another assignment of the workload is still %s",
    async (otherState) => {
      const { orgId, agentId, w, a } = await failingDeploy();
      // The other job still holds (or is about to hold) the work: it is not this ack's to replace.
      await addAssignment(orgId, agentId, w.id, otherState);
      const before = await snapshot(orgId);

      expect(await ack(a.id, status)).toEqual([]);
      expect(await snapshot(orgId)).toEqual(withAssignmentState(before, a.id, "failed"));
    },
  );

  it.each(["DISPATCHING", "RUNNING"] as const)(
    "fails a %s workload over when its other assignments have all ended (completed, failed, stopped, lost)",
    async (workloadStatus) => {
      const { orgId, agentId, w, a } = await failingDeploy({ status: workloadStatus });
      for (const state of ["completed", "failed", "stopped", "lost"]) await addAssignment(orgId, agentId, w.id, state);

      expect(await ack(a.id, status)).toEqual([agentId]);
      expect(await reloadAssignment(a.id)).toMatchObject({ state: "failed" });
      expect(await failoverOf(w.id)).toMatchObject({ kind: "failover" });
    },
  );
});

describe("handleDeployAck REJECTED: the failover", () => {
  /**
   * Two agents: A with 8 free H100s, B with 64 free A100s. The Decision's alternatives: too many
   * H100s, then A100s on B (fits), then H100s on A (fits too, but comes later).
   */
  async function twoAgents(workloadOver: Partial<Prisma.WorkloadUncheckedCreateInput> = {}) {
    const orgId = await newOrg();
    const agentA = await addAgent(orgId, [h100Pool(8)]);
    const agentB = await addAgent(orgId, [a100Pool(64)]);
    const h100 = await poolIdOf(agentA, "h100-od");
    const a100 = await poolIdOf(agentB, "a100-od");
    const alternatives = [
      alternative("4× H100-SXM TP4", [group(h100, "H100-SXM", 4, 4)]),
      alternative("2× A100-80GB TP4", [group(a100, "A100-80GB", 2, 4)]),
      alternative("1× H100-SXM TP8", [group(h100, "H100-SXM", 1, 8)]),
    ];
    const w = await addWorkload(orgId, workloadOver);
    const initial = await addDecision(orgId, w.id, alternatives);
    const failed = await addAssignment(orgId, agentA, w.id, "deploying", { decisionId: initial.id });
    return { orgId, agentA, agentB, h100, a100, alternatives, w, initial, failed };
  }

  it("dispatches the first alternative that fits as a failover Decision, assignment and deploy, and wakes its agent", async () => {
    const { orgId, agentB, a100, alternatives, w, initial, failed } = await twoAgents();

    expect(await ack(failed.id, "REJECTED", "no capacity in us-east-1a")).toEqual([agentB]);

    // 8,000 tok/s and $24/h over its 2 replicas; no calibration rows, so raw = calibrated.
    const placement = {
      poolId: a100,
      agentId: agentB,
      gpuType: "A100-80GB",
      market: "on-demand",
      tp: 4,
      pp: 1,
      replicas: 2,
      gpus: 8,
      predictedTps: 4_000,
      rawPredictedTps: 4_000,
      replicaCostPerHour: 12,
    };
    const failover = await failoverOf(w.id);
    expect(failover).toEqual({
      id: expect.any(String),
      orgId,
      workloadId: w.id,
      kind: "failover",
      reason: "Failover: deploy rejected: no capacity in us-east-1a. Next alternative: 2× A100-80GB TP4.",
      inputs: {
        failedAssignmentId: failed.id,
        failedDecisionId: initial.id,
        ack: { status: "REJECTED", detail: "no capacity in us-east-1a" },
        at: NOW.toISOString(),
      },
      plan: { ...alternatives[1], engine: "orca", placement },
      // Only what comes after the chosen one is left to try next time.
      alternatives: [alternatives[2]],
      createdAt: expect.any(Date),
    });

    expect(await reloadAssignment(failed.id)).toMatchObject({ state: "failed" });
    const fresh = await prisma.assignment.findFirstOrThrow({ where: { workloadId: w.id, decisionId: failover.id } });
    expect(fresh).toMatchObject({
      orgId,
      agentId: agentB,
      state: "deploying",
      epoch: 1,
      progressTotal: 15_000, // what is left of the 20,000 requests
      placement,
    });
    const commands = await prisma.command.findMany({ where: { orgId } });
    expect(commands.map((c) => ({ agentId: c.agentId, assignmentId: c.assignmentId, type: c.type }))).toEqual([
      { agentId: agentB, assignmentId: fresh.id, type: "deploy" },
    ]);
    expect(await reloadWorkload(w.id)).toMatchObject({
      status: "DISPATCHING",
      engine: "orca",
      completedAt: null,
      statusDetail: "deploying 2× A100-80GB (TP4, on-demand) on us-east",
    });
  });

  it("says `deploy failed` for a FAILED ack without detail, and records the detail as null", async () => {
    const { w, failed } = await twoAgents();

    await ack(failed.id, "FAILED", null);
    const failover = await failoverOf(w.id);
    expect(failover.reason).toBe("Failover: deploy failed. Next alternative: 2× A100-80GB TP4.");
    expect((failover.inputs as { ack: unknown }).ack).toEqual({ status: "FAILED", detail: null });
  });

  it("treats an empty detail as none: no dangling colon in the reason", async () => {
    const { w, failed } = await twoAgents();

    await ack(failed.id, "REJECTED", "");
    const failover = await failoverOf(w.id);
    expect(failover.reason).toBe("Failover: deploy rejected. Next alternative: 2× A100-80GB TP4.");
    expect((failover.inputs as { ack: unknown }).ack).toEqual({ status: "REJECTED", detail: "" });
  });

  it("plans with the workload's engine: a workload without one fails over on orca", async () => {
    const { w, failed } = await twoAgents({ engine: null });

    await ack(failed.id, "REJECTED");
    expect((await failoverOf(w.id)).plan).toMatchObject({ engine: "orca" });
    expect(await reloadWorkload(w.id)).toMatchObject({ engine: "orca" });
  });

  it("keeps a tuna workload on tuna", async () => {
    const { w, failed } = await twoAgents({ engine: "tuna" });

    await ack(failed.id, "REJECTED");
    expect((await failoverOf(w.id)).plan).toMatchObject({ engine: "tuna" });
    expect(await reloadWorkload(w.id)).toMatchObject({ engine: "tuna" });
  });

  it("counts only pools of agents that run the workload's engine: a tuna workload does not fit on an orca agent", async () => {
    const orgId = await newOrg();
    const orcaAgent = await addAgent(orgId, [h100Pool(64)], "orca");
    const h100 = await poolIdOf(orcaAgent, "h100-od");
    const w = await addWorkload(orgId, { engine: "tuna" });
    const initial = await addDecision(orgId, w.id, [alternative("2× H100-SXM TP4", [group(h100, "H100-SXM", 2, 4)])]);
    const failed = await addAssignment(orgId, orcaAgent, w.id, "deploying", { decisionId: initial.id });

    expect(await ack(failed.id, "REJECTED", "engine mismatch")).toEqual([]);
    expect(await reloadWorkload(w.id)).toMatchObject({
      status: "FAILED",
      statusDetail: "deploy rejected: engine mismatch; no alternative placement left",
    });
  });

  it("skips an alternative that fits but cannot be dispatched (TP3 is no engine's degree) and takes the next", async () => {
    const orgId = await newOrg();
    const agentId = await addAgent(orgId, [h100Pool(64)]);
    const h100 = await poolIdOf(agentId, "h100-od");
    const alternatives = [
      alternative("2× H100-SXM TP3", [group(h100, "H100-SXM", 2, 3)]),
      alternative("1× H100-SXM TP8", [group(h100, "H100-SXM", 1, 8)]),
    ];
    const w = await addWorkload(orgId);
    const initial = await addDecision(orgId, w.id, alternatives);
    const failed = await addAssignment(orgId, agentId, w.id, "deploying", { decisionId: initial.id });

    expect(await ack(failed.id, "REJECTED", "oom")).toEqual([agentId]);
    const failover = await failoverOf(w.id);
    expect(failover.reason).toBe("Failover: deploy rejected: oom. Next alternative: 1× H100-SXM TP8.");
    expect(failover.alternatives).toEqual([]);
    expect(await prisma.decision.count({ where: { workloadId: w.id, kind: "failover" } })).toBe(1);
  });

  it("counts the GPUs the failed assignment held as free again: capacity is read inside the ack's transaction", async () => {
    const orgId = await newOrg();
    const agentId = await addAgent(orgId, [h100Pool(8)]);
    const h100 = await poolIdOf(agentId, "h100-od");
    const w = await addWorkload(orgId);
    const initial = await addDecision(orgId, w.id, [alternative("1× H100-SXM TP8", [group(h100, "H100-SXM", 1, 8)])]);
    // Until this ack marks it failed, the deploying assignment holds all 8 GPUs of the pool.
    const failed = await addAssignment(orgId, agentId, w.id, "deploying", {
      decisionId: initial.id,
      placement: {
        poolId: h100,
        agentId,
        gpuType: "H100-SXM",
        market: "on-demand",
        tp: 8,
        pp: 1,
        replicas: 1,
        gpus: 8,
      },
    });

    expect(await ack(failed.id, "REJECTED", "oom")).toEqual([agentId]);
    expect((await failoverOf(w.id)).reason).toBe("Failover: deploy rejected: oom. Next alternative: 1× H100-SXM TP8.");
  });
});

describe("handleDeployAck REJECTED: which alternative fits", () => {
  /**
   * The Decision's alternatives: `probe` (needs `count` × `tp` GPUs of `pool`) first, then a
   * fallback on a large A100 pool that always fits. Returns the summary of the one dispatched.
   */
  async function chosen(pool: TGpuPool | null, groups: { count: number; tp: number; pp?: number }[]) {
    const orgId = await newOrg();
    const agentId = await addAgent(orgId, [a100Pool(64), ...(pool ? [pool] : [])]);
    const probePool = pool ? await poolIdOf(agentId, pool.id) : "no-such-pool";
    const a100 = await poolIdOf(agentId, "a100-od");
    const w = await addWorkload(orgId);
    const initial = await addDecision(orgId, w.id, [
      alternative(
        "probe",
        groups.map((g) => group(probePool, "H100-SXM", g.count, g.tp, g.pp)),
      ),
      alternative("fallback", [group(a100, "A100-80GB", 1, 1)]),
    ]);
    const failed = await addAssignment(orgId, agentId, w.id, "deploying", { decisionId: initial.id });
    expect(await ack(failed.id, "REJECTED")).toEqual([agentId]);
    const failover = await failoverOf(w.id);
    return failover.reason.replace(/^.*Next alternative: (.*)\.$/, "$1");
  }

  const h100 = (available: number, quota: number | null): TGpuPool => ({ ...h100Pool(16), available, quota });

  it.each([
    // available, quota, replicas × TP needed: whether it fits
    [8, null, 2, 4, "probe"], // exactly the free GPUs: fits
    [7, null, 2, 4, "fallback"], // one short
    [16, 8, 2, 4, "probe"], // exactly the quota: fits
    [16, 7, 2, 4, "fallback"], // the quota binds when lower than the free GPUs
    [7, 16, 2, 4, "fallback"], // the free GPUs bind when lower than the quota
    [6, null, 3, 2, "probe"], // replicas × TP, not replicas alone or TP alone
    [5, null, 3, 2, "fallback"],
  ] as const)("%i free, quota %s, %i × TP%i: %s", async (available, quota, count, tp, expected) => {
    expect(await chosen(h100(available, quota), [{ count, tp }])).toBe(expected);
  });

  it("a pool missing from the org's capacity does not fit", async () => {
    expect(await chosen(null, [{ count: 1, tp: 1 }])).toBe("fallback");
  });

  it("every replica group must fit its pool, not just one", async () => {
    // Two groups on one pool of 8 free GPUs: the first (4) fits, the second (12) does not.
    expect(
      await chosen(h100(8, null), [
        { count: 1, tp: 4 },
        { count: 3, tp: 4 },
      ]),
    ).toBe("fallback");
    // 4 + 4 GPUs: each fits, and so do both together.
    expect(
      await chosen(h100(8, null), [
        { count: 1, tp: 4 },
        { count: 1, tp: 4 },
      ]),
    ).toBe("probe");
  });

  it("counts what the groups on one pool need together", async () => {
    // 4 + 8 GPUs on 8 free: each group alone fits. Before, each was checked against the whole pool
    // and a 12-GPU alternative was dispatched onto 8 GPUs.
    expect(
      await chosen(h100(8, null), [
        { count: 1, tp: 4 },
        { count: 1, tp: 8 },
      ]),
    ).toBe("fallback");
  });

  it("every pool the alternative uses must have room: one with room does not make up for one without", async () => {
    const orgId = await newOrg();
    const agentId = await addAgent(orgId, [a100Pool(64), h100Pool(7)]);
    const a100 = await poolIdOf(agentId, "a100-od");
    const h100 = await poolIdOf(agentId, "h100-od");
    const w = await addWorkload(orgId);
    // 1 A100 of 64 free fits; 2 × TP4 H100 (8 GPUs) on 7 free does not.
    const initial = await addDecision(orgId, w.id, [
      alternative("A100 and H100", [group(a100, "A100-80GB", 1, 1), group(h100, "H100-SXM", 2, 4)]),
      alternative("A100 alone", [group(a100, "A100-80GB", 2, 4)]),
    ]);
    const failed = await addAssignment(orgId, agentId, w.id, "deploying", { decisionId: initial.id });

    expect(await ack(failed.id, "REJECTED")).toEqual([agentId]);
    expect((await failoverOf(w.id)).reason).toMatch(/Next alternative: A100 alone\.$/);
  });

  it("counts a replica's pipeline stages: count × TP × PP", async () => {
    // Before, 1 × TP4 PP2 (8 GPUs) was taken to need 4 and dispatched onto 7 free GPUs.
    expect(await chosen(h100(7, null), [{ count: 1, tp: 4, pp: 2 }])).toBe("fallback");
    expect(await chosen(h100(8, null), [{ count: 1, tp: 4, pp: 2 }])).toBe("probe");
  });
});

describe("handleDeployAck REJECTED with no alternative left", () => {
  async function deployWith(alternativesOf: ((h100: string) => TAlternative[]) | null) {
    const orgId = await newOrg();
    const agentId = await addAgent(orgId, [h100Pool(8)]);
    const h100 = await poolIdOf(agentId, "h100-od");
    const w = await addWorkload(orgId, { status: "RUNNING", startedAt: EARLIER });
    const initial = alternativesOf ? await addDecision(orgId, w.id, alternativesOf(h100)) : null;
    const failed = await addAssignment(orgId, agentId, w.id, "deploying", { decisionId: initial?.id ?? null });
    return { orgId, w, failed };
  }

  it("FAILS the workload, completed now, saying why; no Decision, assignment or command is written", async () => {
    const { orgId, w, failed } = await deployWith((h100) => [
      alternative("4× H100-SXM TP4", [group(h100, "H100-SXM", 4, 4)]),
      alternative("2× H100-SXM TP8", [group(h100, "H100-SXM", 2, 8)]),
    ]);
    const before = await snapshot(orgId);

    expect(await ack(failed.id, "REJECTED", "quota exceeded")).toEqual([]);
    const after = await snapshot(orgId);
    expect(after.workloads).toEqual([
      {
        ...w,
        status: "FAILED",
        completedAt: NOW,
        statusDetail: "deploy rejected: quota exceeded; no alternative placement left",
        updatedAt: expect.any(Date),
      },
    ]);
    expect(after.assignments).toEqual(withAssignmentState(before, failed.id, "failed").assignments);
    expect(after.decisions).toEqual(before.decisions);
    expect(after.commands).toEqual(before.commands);
  });

  it("FAILS it when the assignment has no Decision to take alternatives from", async () => {
    const { w, failed } = await deployWith(null);

    expect(await ack(failed.id, "FAILED", null)).toEqual([]);
    expect(await reloadWorkload(w.id)).toMatchObject({
      status: "FAILED",
      completedAt: NOW,
      statusDetail: "deploy failed; no alternative placement left",
    });
  });

  it("FAILS it when the Decision has no alternatives at all", async () => {
    const { w, failed } = await deployWith(() => []);

    expect(await ack(failed.id, "FAILED", "image pull backoff")).toEqual([]);
    expect(await reloadWorkload(w.id)).toMatchObject({
      status: "FAILED",
      statusDetail: "deploy failed: image pull backoff; no alternative placement left",
    });
  });

  it("cuts the status line to 1,000 characters", async () => {
    const { w, failed } = await deployWith(() => []);
    const detail = "x".repeat(2_000);

    await ack(failed.id, "REJECTED", detail);
    const { statusDetail } = await reloadWorkload(w.id);
    expect(statusDetail).toBe(`deploy rejected: ${detail}`.slice(0, 1_000));
  });
});
