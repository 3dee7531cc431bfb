import { afterAll, describe, expect, it } from "vitest";
import { calibrationKey, type TCalibrationEntry } from "@koi/planner";
import { AppError } from "@koi/core/app-error";
import { prisma, type Prisma, type WorkloadStatus } from "@koi/db";
import { createTestOrg, createTestUser } from "@koi/db/factories";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { recordWakeupsPerTest, registration } from "../agents/test-fixtures.ts";
import { cancelWorkload } from "./cancel-workload.ts";
import { loadOrgCalibration } from "./load-calibration.ts";
import { notifyAtRisk } from "./notify-at-risk.ts";
import { holdOrgPlanningLock } from "./test-fixtures.ts";

// cancelWorkload, notifyAtRisk and loadOrgCalibration called directly, on rows set up in exactly
// the state each rule reads: what a cancel stops, records and gives back, which outbox row an
// "at risk" notice is, and which CalibrationFactor rows make an org's calibration table.

// The agents each call wakes after commit (its `wake` list), heard on the wake-up channel.
const wakeups = recordWakeupsPerTest();

const orgIds: string[] = [];
afterAll(async () => {
  // No worker relays these rows here; later test files count the shared database's outbox.
  await prisma.outboxEvent.deleteMany({ where: { orgId: { in: orgIds }, publishedAt: null } });
  await commandWakeups().stop();
});

async function newOrg() {
  const org = await createTestOrg();
  orgIds.push(org.id);
  return org.id;
}

async function newAgent(orgId: string) {
  return (await registerAgent(orgId, "key_test", registration())).agentId;
}

async function newWorkload(orgId: string, over: Partial<Prisma.WorkloadUncheckedCreateInput> = {}) {
  return prisma.workload.create({
    data: {
      orgId,
      name: "nightly-eval",
      kind: "batch",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      spec: {},
      status: "RUNNING",
      ...over,
    },
  });
}

async function newAssignment(orgId: string, agentId: string, workloadId: string, state: string, costUsd = 0) {
  return prisma.assignment.create({ data: { orgId, agentId, workloadId, state, costUsd } });
}

const reload = (id: string) => prisma.workload.findUniqueOrThrow({ where: { id } });
const stateOf = async (id: string) => (await prisma.assignment.findUniqueOrThrow({ where: { id } })).state;
const commandsOf = (orgId: string) =>
  prisma.command
    .findMany({ where: { orgId } })
    .then((rows) =>
      rows.map((c) => ({ assignmentId: c.assignmentId, agentId: c.agentId, type: c.type, payload: c.payload })),
    );
// Registering an agent audits too; every other row of the org is the test's business.
const auditOf = (orgId: string) =>
  prisma.auditEvent.findMany({ where: { orgId, action: { not: "agent.registered" } } }).then((rows) =>
    rows.map((r) => ({
      actorUserId: r.actorUserId,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      data: r.data,
    })),
  );
const byAssignment = (a: { assignmentId: string | null }, b: { assignmentId: string | null }) =>
  (a.assignmentId ?? "").localeCompare(b.assignmentId ?? "");

/**
 * Work lent to `urgent` by rebalancing, as rebalanceForWorkload records it: the lender PAUSED, its
 * assignment paused, and a `rebalance_pause` Decision naming the urgent workload.
 */
async function pausedFor(orgId: string, urgent: { id: string; name: string }, agentId: string) {
  const lender = await newWorkload(orgId, {
    name: "weekly-backfill",
    status: "PAUSED",
    statusDetail: `paused for ${urgent.name}`,
  });
  const lent = await newAssignment(orgId, agentId, lender.id, "paused");
  const pause = await prisma.decision.create({
    data: {
      orgId,
      workloadId: lender.id,
      kind: "rebalance_pause",
      inputs: {
        urgentWorkloadId: urgent.id,
        urgentName: urgent.name,
        assignmentId: lent.id,
        action: "pause",
        replicasBefore: 2,
        replicasAfter: 0,
      },
      plan: {},
      reason: `paused to lend GPUs to ${urgent.name}`,
    },
  });
  return { lender, lent, pause };
}

describe("cancelWorkload", () => {
  it("stops each live assignment, cancels the workload with its full cost, audits it and gives back paused work", async () => {
    const orgId = await newOrg();
    const user = await createTestUser();
    const [agentA, agentB, agentC, agentD] = [
      await newAgent(orgId),
      await newAgent(orgId),
      await newAgent(orgId),
      await newAgent(orgId),
    ];
    // The row's own cost is stale: the assignments' sum is what the workload spent.
    const w = await newWorkload(orgId, { costUsd: 1 });
    const running = await newAssignment(orgId, agentA, w.id, "running", 1.5);
    const deploying = await newAssignment(orgId, agentB, w.id, "deploying", 2.25);
    const finished = await newAssignment(orgId, agentD, w.id, "completed", 4);
    const { lender, lent, pause } = await pausedFor(orgId, w, agentC);

    const before = new Date();
    const cancelled = await cancelWorkload(orgId, w.id, user.id);

    expect(cancelled).toMatchObject({ id: w.id, status: "CANCELLED", statusDetail: "cancelled", costUsd: 7.75 });
    expect(cancelled.completedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1_000);
    expect(await reload(w.id)).toEqual(cancelled);

    expect(await stateOf(running.id)).toBe("stopping");
    expect(await stateOf(deploying.id)).toBe("stopping");
    // An ended assignment runs nothing: no stop for it, and its state stays as it ended.
    expect(await stateOf(finished.id)).toBe("completed");
    expect((await commandsOf(orgId)).sort(byAssignment)).toEqual(
      [
        { assignmentId: running.id, agentId: agentA, type: "stop", payload: {} },
        { assignmentId: deploying.id, agentId: agentB, type: "stop", payload: {} },
        { assignmentId: lent.id, agentId: agentC, type: "resume", payload: {} },
      ].sort(byAssignment),
    );

    expect(await auditOf(orgId)).toEqual([
      {
        actorUserId: user.id,
        action: "workload.cancelled",
        targetType: "workload",
        targetId: w.id,
        data: { stopped: 2 },
      },
    ]);

    // The lender gets its GPUs back, said in the cancelled workload's name.
    expect(await reload(lender.id)).toMatchObject({ status: "RUNNING", statusDetail: null });
    expect(await stateOf(lent.id)).toBe("running");
    const resume = await prisma.decision.findFirstOrThrow({
      where: { workloadId: lender.id, kind: "rebalance_resume" },
    });
    expect(resume.inputs).toEqual({ pauseDecisionId: pause.id, urgentWorkloadId: w.id, resumed: true });
    expect(resume.reason).toBe("nightly-eval was cancelled: resuming after lending GPUs to nightly-eval.");

    // Woken: the agents told to stop and the agent told to resume, never the ended assignment's.
    expect((await wakeups.take()).sort()).toEqual([agentA, agentB, agentC].sort());
  });

  it("keeps the workload's own cost when it has no assignments, and audits a cancel without an actor", async () => {
    const orgId = await newOrg();
    const w = await newWorkload(orgId, { status: "PENDING", costUsd: 3.5 });
    const cancelled = await cancelWorkload(orgId, w.id, null);
    expect(cancelled).toMatchObject({ status: "CANCELLED", statusDetail: "cancelled", costUsd: 3.5 });
    expect(cancelled.completedAt).toBeInstanceOf(Date);
    expect(await commandsOf(orgId)).toEqual([]);
    expect(await auditOf(orgId)).toEqual([
      { actorUserId: null, action: "workload.cancelled", targetType: "workload", targetId: w.id, data: { stopped: 0 } },
    ]);
    expect(await wakeups.take()).toEqual([]);
  });

  it("returns a workload that has already ended as it is: no stop, no audit, nothing resumed", async () => {
    const orgId = await newOrg();
    const agentId = await newAgent(orgId);
    for (const status of ["COMPLETED", "FAILED", "CANCELLED"] as const satisfies WorkloadStatus[]) {
      const w = await newWorkload(orgId, { status, statusDetail: "as it ended", costUsd: 9 });
      // A leftover live assignment and lent work show that nothing past the status check runs.
      const leftover = await newAssignment(orgId, agentId, w.id, "running", 2);
      const { lender, lent } = await pausedFor(orgId, w, agentId);
      const row = await reload(w.id);
      expect(await cancelWorkload(orgId, w.id, null)).toEqual(row);
      expect(await reload(w.id)).toEqual(row);
      expect(await stateOf(leftover.id)).toBe("running");
      expect(await stateOf(lent.id)).toBe("paused");
      expect((await reload(lender.id)).status).toBe("PAUSED");
    }
    expect(await commandsOf(orgId)).toEqual([]);
    expect(await auditOf(orgId)).toEqual([]);
    expect(await prisma.decision.count({ where: { orgId, kind: "rebalance_resume" } })).toBe(0);
    expect(await wakeups.take()).toEqual([]);
  });

  it("does not find another org's workload, and changes nothing of it", async () => {
    const orgId = await newOrg();
    const otherOrgId = await newOrg();
    const agentId = await newAgent(orgId);
    const w = await newWorkload(orgId);
    const live = await newAssignment(orgId, agentId, w.id, "running", 1);
    const row = await reload(w.id);
    const error = await cancelWorkload(otherOrgId, w.id, null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "NOT_FOUND", message: "No such workload." });
    expect(await reload(w.id)).toEqual(row);
    expect(await stateOf(live.id)).toBe("running");
    expect(await commandsOf(orgId)).toEqual([]);
    expect(await auditOf(orgId)).toEqual([]);
    expect(await auditOf(otherOrgId)).toEqual([]);
    expect(await wakeups.take()).toEqual([]);
  });

  it("cancels without waiting for a planning run that holds the org's planning lock", async () => {
    // Cancelling hands out no GPUs, so a long HiGHS run in the same org must not hold it up.
    const orgId = await newOrg();
    const w = await newWorkload(orgId);
    const planner = await holdOrgPlanningLock(orgId);
    const cancel = cancelWorkload(orgId, w.id, null);
    const first = await Promise.race([
      cancel.then(() => "cancelled"),
      new Promise((resolve) => setTimeout(() => resolve("waited for the planner"), 3_000)),
    ]);
    await planner.release();
    await cancel;
    expect(first).toBe("cancelled");
  });

  it("does not find a workload that does not exist", async () => {
    const orgId = await newOrg();
    const error = await cancelWorkload(orgId, "no-such-workload", null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "NOT_FOUND", message: "No such workload." });
  });
});

describe("notifyAtRisk", () => {
  it("queues one notify-org job for the workload, under the caller's job id, in the caller's transaction", async () => {
    const orgId = await newOrg();
    const w = await newWorkload(orgId);
    const jobId = `notify-slo_at_risk-${w.id}`;
    const message = "nightly-eval is at risk of missing its deadline: 40% done with 10% of the time left.";
    await prisma.$transaction((tx) => notifyAtRisk(tx, w, message, jobId));
    // The same job id again is the same notice: it is not queued twice.
    await prisma.$transaction((tx) => notifyAtRisk(tx, w, "a later, different message", jobId));
    const rows = await prisma.outboxEvent.findMany({ where: { orgId } });
    expect(rows.map((r) => ({ jobName: r.jobName, jobId: r.jobId, orgId: r.orgId, payload: r.payload }))).toEqual([
      {
        jobName: "notify-org",
        jobId,
        orgId,
        payload: { notificationKey: `slo_at_risk-${w.id}`, orgId, kind: "slo_at_risk", workloadId: w.id, message },
      },
    ]);
  });

  it("writes nothing when the caller's transaction rolls back", async () => {
    const orgId = await newOrg();
    const w = await newWorkload(orgId);
    const rollback = new Error("rolled back");
    await expect(
      prisma.$transaction(async (tx) => {
        await notifyAtRisk(tx, w, "at risk", `notify-slo_at_risk-${w.id}`);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(await prisma.outboxEvent.count({ where: { orgId } })).toBe(0);
  });
});

describe("loadOrgCalibration", () => {
  const entry = (factor: number, reports = 3): TCalibrationEntry => ({
    logRatios: Array.from({ length: reports }, () => Math.log(factor)),
    reports,
    factor,
  });
  const MODEL = "llama-3.1-8b";

  it("rebuilds the org's table from its own rows, keyed by model, GPU and TP, skipping rows with no entry yet", async () => {
    const orgId = await newOrg();
    const otherOrgId = await newOrg();
    const rows = [
      { orgId, model: MODEL, gpuType: "H100-SXM", tp: 2, state: entry(1.25) },
      { orgId, model: MODEL, gpuType: "H100-SXM", tp: 4, state: entry(0.8, 2) },
      { orgId, model: "qwen2.5-7b", gpuType: "L40S", tp: 1, state: entry(1.1, 1) },
      // Inserted before its first observation: `{}` until then.
      { orgId, model: MODEL, gpuType: "A100-80GB", tp: 1, state: {} },
      { orgId: otherOrgId, model: MODEL, gpuType: "H100-SXM", tp: 8, state: entry(2) },
    ];
    await prisma.calibrationFactor.createMany({ data: rows });
    expect(await loadOrgCalibration(orgId)).toEqual({
      version: 1,
      entries: {
        [calibrationKey({ model: MODEL, gpu: "H100-SXM", tp: 2 })]: entry(1.25),
        [calibrationKey({ model: MODEL, gpu: "H100-SXM", tp: 4 })]: entry(0.8, 2),
        [calibrationKey({ model: "qwen2.5-7b", gpu: "L40S", tp: 1 })]: entry(1.1, 1),
      },
    });
    expect(calibrationKey({ model: MODEL, gpu: "H100-SXM", tp: 2 })).toBe("llama-3.1-8b|H100-SXM|2");
  });

  it("is an empty table for an org without rows", async () => {
    expect(await loadOrgCalibration(await newOrg())).toEqual({ version: 1, entries: {} });
  });

  it("fails on a row whose entry drifted from its shape rather than planning with it", async () => {
    const orgId = await newOrg();
    await prisma.calibrationFactor.create({
      data: { orgId, model: MODEL, gpuType: "H100-SXM", tp: 1, state: { logRatios: "not a list", factor: 1 } },
    });
    await expect(loadOrgCalibration(orgId)).rejects.toMatchObject({ name: "ZodError" });
  });

  it("reads through the caller's transaction when given one, and through prisma otherwise", async () => {
    const orgId = await newOrg();
    const key = calibrationKey({ model: MODEL, gpu: "H100-SXM", tp: 2 });
    const seen = await prisma.$transaction(async (tx) => {
      await tx.calibrationFactor.create({
        data: { orgId, model: MODEL, gpuType: "H100-SXM", tp: 2, state: entry(1.5) },
      });
      // Not committed yet: only the transaction sees the row.
      return { inTx: await loadOrgCalibration(orgId, tx), outside: await loadOrgCalibration(orgId) };
    });
    expect(seen.inTx.entries).toEqual({ [key]: entry(1.5) });
    expect(seen.outside.entries).toEqual({});
    expect((await loadOrgCalibration(orgId)).entries).toEqual({ [key]: entry(1.5) });
  });
});
