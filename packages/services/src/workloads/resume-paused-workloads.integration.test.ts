import { afterAll, describe, expect, it } from "vitest";
import { decisions } from "@koi/core/metrics/koi-metrics";
import { prisma, type Prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { registerAgent } from "../agents/register-agent.ts";
import { registration } from "../agents/test-fixtures.ts";
import { resumePausedWorkloads, type TPauseInputs } from "./resume-paused-workloads.ts";
import { batchSubmission, commandsOf } from "./test-fixtures.ts";

// resumePausedWorkloads called directly inside a transaction, on rows set up the way
// rebalanceForWorkload leaves them: which `rebalance_pause` Decisions it answers (and in what
// order), the command each lender gets, what happens to its assignment and status, the
// `rebalance_resume` Decision it writes word for word, and which agents it returns to wake.

const orgIds: string[] = [];
afterAll(async () => {
  // No worker relays these rows here; later test files count the shared database's outbox.
  await prisma.outboxEvent.deleteMany({ where: { orgId: { in: orgIds }, publishedAt: null } });
});

const T = new Date("2026-11-02T12:00:00.000Z");
const minutes = (n: number) => new Date(T.getTime() + n * 60_000);
const WHY = "urgent-eval completed";

async function newOrg() {
  const org = await createTestOrg();
  orgIds.push(org.id);
  return org.id;
}

async function newAgent(orgId: string) {
  return (await registerAgent(orgId, "key_test", registration())).agentId;
}

async function newWorkload(orgId: string, over: Partial<Prisma.WorkloadUncheckedCreateInput> = {}) {
  const submission = batchSubmission();
  return prisma.workload.create({
    data: {
      orgId,
      name: "weekly-backfill",
      kind: "batch",
      model: submission.model,
      spec: submission as unknown as Prisma.InputJsonValue,
      status: "RUNNING",
      ...over,
    },
  });
}

/** The urgent workload the GPUs were lent to (the function only reads its id). */
const newUrgent = (orgId: string) => newWorkload(orgId, { name: "urgent-eval", priority: "urgent" });

/** A lender's placement of `replicas` replicas at TP2 (`tp: null`: a placement recording no TP). */
const placementOf = (replicas: number, tp: number | null = 2) => ({
  poolId: "pool-h100",
  agentId: "agent-of-record",
  gpuType: "H100-SXM",
  market: "on-demand",
  ...(tp === null ? {} : { tp }),
  pp: 1,
  replicas,
  gpus: replicas * (tp ?? 1),
  predictedTps: 3_000,
  rawPredictedTps: 2_500,
  replicaCostPerHour: 13.76,
});

/**
 * Work lent to `urgent`: the lender (PAUSED after a pause, RUNNING after a shrink), its assignment,
 * and the `rebalance_pause` Decision naming the urgent workload, made at `at`.
 */
async function lent(
  orgId: string,
  agentId: string,
  urgent: { id: string; name: string },
  action: "pause" | "shrink",
  over: {
    at?: Date;
    lender?: Partial<Prisma.WorkloadUncheckedCreateInput>;
    assignment?: Partial<Prisma.AssignmentUncheckedCreateInput>;
    inputs?: Partial<TPauseInputs>;
  } = {},
) {
  const lender = await newWorkload(orgId, {
    status: action === "pause" ? "PAUSED" : "RUNNING",
    statusDetail: action === "pause" ? `paused for ${urgent.name}` : `lent 4 GPUs to ${urgent.name}`,
    ...over.lender,
  });
  const assignment = await prisma.assignment.create({
    data: {
      orgId,
      agentId,
      workloadId: lender.id,
      state: action === "pause" ? "paused" : "running",
      epoch: 3,
      placement: action === "pause" ? placementOf(2) : placementOf(1),
      ...over.assignment,
    },
  });
  const pause = await prisma.decision.create({
    data: {
      orgId,
      workloadId: lender.id,
      kind: "rebalance_pause",
      inputs: {
        urgentWorkloadId: urgent.id,
        urgentName: urgent.name,
        assignmentId: assignment.id,
        action,
        replicasBefore: action === "pause" ? 2 : 3,
        replicasAfter: action === "pause" ? 0 : 1,
        ...over.inputs,
      },
      plan: {},
      reason: `lent GPUs to ${urgent.name}`,
      createdAt: over.at ?? minutes(-10),
    },
  });
  return { lender, assignment, pause };
}

const resume = (urgentWorkloadId: string, why = WHY) =>
  prisma.$transaction((tx) => resumePausedWorkloads(tx, urgentWorkloadId, why));

const reloadWorkload = (id: string) => prisma.workload.findUniqueOrThrow({ where: { id } });
const reloadAssignment = (id: string) => prisma.assignment.findUniqueOrThrow({ where: { id } });
const resumesOf = (workloadId: string) =>
  prisma.decision.findMany({ where: { workloadId, kind: "rebalance_resume" }, orderBy: { createdAt: "asc" } });

async function resumesCounted(): Promise<number> {
  const { values } = await decisions.get();
  return values.find((v) => v.labels.kind === "rebalance_resume")?.value ?? 0;
}

describe("resumePausedWorkloads: a paused lender", () => {
  it("gets a resume command, its assignment running, the workload RUNNING with its status line cleared, and a resume Decision", async () => {
    const orgId = await newOrg();
    const agentId = await newAgent(orgId);
    const urgent = await newUrgent(orgId);
    const { lender, assignment, pause } = await lent(orgId, agentId, urgent, "pause");
    const counted = await resumesCounted();

    expect(await resume(urgent.id)).toEqual([agentId]);

    // Stamped with the assignment's epoch, so the agent obeys it.
    expect(await commandsOf(orgId)).toEqual([
      { agentId, assignmentId: assignment.id, type: "resume", payload: {}, epoch: 3, status: "PENDING" },
    ]);
    // A resume restarts the same placement: only the state moves.
    expect(await reloadAssignment(assignment.id)).toEqual({
      ...assignment,
      state: "running",
      updatedAt: expect.any(Date),
    });
    expect(await reloadWorkload(lender.id)).toEqual({
      ...lender,
      status: "RUNNING",
      statusDetail: null,
      updatedAt: expect.any(Date),
    });
    expect(await resumesOf(lender.id)).toEqual([
      {
        id: expect.any(String),
        orgId,
        workloadId: lender.id,
        kind: "rebalance_resume",
        inputs: { pauseDecisionId: pause.id, urgentWorkloadId: urgent.id, resumed: true },
        plan: { action: "resume", replicas: 2 },
        alternatives: [],
        reason: "urgent-eval completed: resuming after lending GPUs to urgent-eval.",
        createdAt: expect.any(Date),
      },
    ]);
    expect(await resumesCounted()).toBe(counted + 1);
  });

  it("is answered once: a second call writes nothing and wakes nobody", async () => {
    const orgId = await newOrg();
    const agentId = await newAgent(orgId);
    const urgent = await newUrgent(orgId);
    const { lender } = await lent(orgId, agentId, urgent, "pause");
    expect(await resume(urgent.id)).toEqual([agentId]);
    const lenderAfter = await reloadWorkload(lender.id);
    const counted = await resumesCounted();

    expect(await resume(urgent.id, "urgent-eval was cancelled")).toEqual([]);
    expect((await commandsOf(orgId)).map((c) => c.type)).toEqual(["resume"]);
    expect(await resumesOf(lender.id)).toHaveLength(1);
    expect(await reloadWorkload(lender.id)).toEqual(lenderAfter);
    expect(await resumesCounted()).toBe(counted);
  });
});

describe("resumePausedWorkloads: a shrunk lender", () => {
  it("gets a scale command back to its replicas, its placement grown to match, keeps RUNNING and its status line", async () => {
    const orgId = await newOrg();
    const agentId = await newAgent(orgId);
    const urgent = await newUrgent(orgId);
    const { lender, assignment, pause } = await lent(orgId, agentId, urgent, "shrink");

    expect(await resume(urgent.id)).toEqual([agentId]);

    expect(await commandsOf(orgId)).toEqual([
      { agentId, assignmentId: assignment.id, type: "scale", payload: { count: 3 }, epoch: 3, status: "PENDING" },
    ]);
    // 3 replicas of TP2: 6 GPUs. Every other placement key is kept; the state is not touched.
    expect(await reloadAssignment(assignment.id)).toEqual({
      ...assignment,
      placement: { ...placementOf(1), replicas: 3, gpus: 6 },
      updatedAt: expect.any(Date),
    });
    // A shrunk lender never stopped running: its status line is not this function's to clear.
    expect(await reloadWorkload(lender.id)).toEqual(lender);
    expect(await resumesOf(lender.id)).toEqual([
      {
        id: expect.any(String),
        orgId,
        workloadId: lender.id,
        kind: "rebalance_resume",
        inputs: { pauseDecisionId: pause.id, urgentWorkloadId: urgent.id, resumed: true },
        plan: { action: "scale", replicas: 3 },
        alternatives: [],
        reason: "urgent-eval completed: scaling back to 3 replicas after lending GPUs to urgent-eval.",
        createdAt: expect.any(Date),
      },
    ]);
  });

  it("counts one GPU a replica when the placement records no TP", async () => {
    const orgId = await newOrg();
    const agentId = await newAgent(orgId);
    const urgent = await newUrgent(orgId);
    const { assignment } = await lent(orgId, agentId, urgent, "shrink", {
      assignment: { placement: placementOf(1, null) },
      inputs: { replicasBefore: 5 },
    });

    await resume(urgent.id);
    expect((await reloadAssignment(assignment.id)).placement).toEqual({
      ...placementOf(1, null),
      replicas: 5,
      gpus: 5,
    });
  });

  it("counts TP × PP GPUs a replica when the placement has pipeline stages", async () => {
    // A replica of TP2 × PP2 holds 4 GPUs. Counting TP alone would record 2 of them per replica,
    // and the planner would take the GPUs the PP job holds as free.
    const orgId = await newOrg();
    const agentId = await newAgent(orgId);
    const urgent = await newUrgent(orgId);
    const shrunk = { ...placementOf(1), pp: 2, gpus: 4 };
    const { assignment } = await lent(orgId, agentId, urgent, "shrink", { assignment: { placement: shrunk } });

    await resume(urgent.id);
    expect((await reloadAssignment(assignment.id)).placement).toEqual({ ...shrunk, replicas: 3, gpus: 12 });
  });

  it("brings a PAUSED lender that was shrunk back to RUNNING with its status line cleared", async () => {
    const orgId = await newOrg();
    const agentId = await newAgent(orgId);
    const urgent = await newUrgent(orgId);
    const { lender } = await lent(orgId, agentId, urgent, "shrink", { lender: { status: "PAUSED" } });

    await resume(urgent.id);
    expect(await reloadWorkload(lender.id)).toMatchObject({ status: "RUNNING", statusDetail: null });
  });
});

describe("resumePausedWorkloads: nothing left to resume", () => {
  it.each(["COMPLETED", "FAILED", "CANCELLED"] as const)(
    "a %s lender gets no command and is not woken, but the pause is still answered (resumed: false)",
    async (status) => {
      const orgId = await newOrg();
      const agentId = await newAgent(orgId);
      const urgent = await newUrgent(orgId);
      // Its assignment still reads paused: only the workload's own status says it has ended.
      const { lender, assignment, pause } = await lent(orgId, agentId, urgent, "pause", {
        lender: { status, statusDetail: "as it ended" },
      });

      expect(await resume(urgent.id)).toEqual([]);
      expect(await commandsOf(orgId)).toEqual([]);
      expect(await reloadAssignment(assignment.id)).toEqual(assignment);
      expect(await reloadWorkload(lender.id)).toEqual(lender);
      expect(await resumesOf(lender.id)).toEqual([
        {
          id: expect.any(String),
          orgId,
          workloadId: lender.id,
          kind: "rebalance_resume",
          inputs: { pauseDecisionId: pause.id, urgentWorkloadId: urgent.id, resumed: false },
          plan: { action: "resume", replicas: 2 },
          alternatives: [],
          reason: "urgent-eval completed; nothing to resume (the workload or its assignment has ended).",
          createdAt: expect.any(Date),
        },
      ]);
    },
  );

  it.each(["completed", "failed", "stopped", "lost"])(
    "a lender whose assignment is %s gets no command, stays PAUSED, and the pause is answered (resumed: false)",
    async (state) => {
      const orgId = await newOrg();
      const agentId = await newAgent(orgId);
      const urgent = await newUrgent(orgId);
      const { lender, assignment } = await lent(orgId, agentId, urgent, "shrink", {
        lender: { status: "PAUSED" },
        assignment: { state },
      });

      expect(await resume(urgent.id)).toEqual([]);
      expect(await commandsOf(orgId)).toEqual([]);
      expect(await reloadAssignment(assignment.id)).toEqual(assignment);
      expect(await reloadWorkload(lender.id)).toEqual(lender);
      const [answer] = await resumesOf(lender.id);
      expect(answer).toMatchObject({
        inputs: { resumed: false },
        plan: { action: "scale", replicas: 3 },
        reason: "urgent-eval completed; nothing to resume (the workload or its assignment has ended).",
      });
    },
  );

  it("a pause naming an assignment that no longer exists is answered without a command", async () => {
    const orgId = await newOrg();
    const agentId = await newAgent(orgId);
    const urgent = await newUrgent(orgId);
    const { lender } = await lent(orgId, agentId, urgent, "pause", { inputs: { assignmentId: "gone-assignment" } });

    expect(await resume(urgent.id)).toEqual([]);
    expect(await commandsOf(orgId)).toEqual([]);
    expect(await reloadWorkload(lender.id)).toEqual(lender);
    expect((await resumesOf(lender.id)).map((d) => d.inputs)).toEqual([expect.objectContaining({ resumed: false })]);
  });
});

describe("resumePausedWorkloads: which pauses it answers", () => {
  it("answers every open pause naming the urgent workload, oldest first, and returns their agents in that order", async () => {
    const orgId = await newOrg();
    const [agentA, agentB, agentC] = [await newAgent(orgId), await newAgent(orgId), await newAgent(orgId)];
    const urgent = await newUrgent(orgId);
    // Written newest first, so the order returned is the pauses' age, not the rows' insertion.
    const newer = await lent(orgId, agentA, urgent, "pause", { at: minutes(-5) });
    const middle = await lent(orgId, agentC, urgent, "shrink", { at: minutes(-10) });
    const older = await lent(orgId, agentB, urgent, "pause", { at: minutes(-20) });

    expect(await resume(urgent.id)).toEqual([agentB, agentC, agentA]);
    for (const l of [newer, middle, older]) expect(await resumesOf(l.lender.id)).toHaveLength(1);
  });

  it("leaves pauses lent to another urgent workload alone", async () => {
    const orgId = await newOrg();
    const agentId = await newAgent(orgId);
    const urgent = await newUrgent(orgId);
    const other = await newWorkload(orgId, { name: "other-urgent", priority: "urgent" });
    const mine = await lent(orgId, agentId, urgent, "pause");
    const theirs = await lent(orgId, agentId, other, "pause");

    expect(await resume(urgent.id)).toEqual([agentId]);
    expect(await commandsOf(orgId)).toEqual([expect.objectContaining({ assignmentId: mine.assignment.id })]);
    expect(await reloadWorkload(theirs.lender.id)).toEqual(theirs.lender);
    expect(await reloadAssignment(theirs.assignment.id)).toEqual(theirs.assignment);
    expect(await resumesOf(theirs.lender.id)).toEqual([]);
  });

  it("skips a pause already answered by a resume (no second Decision), and answers the same lender's later pause", async () => {
    const orgId = await newOrg();
    const agentId = await newAgent(orgId);
    const urgent = await newUrgent(orgId);
    // Lent twice to the same urgent workload from the same assignment: the first loan was given
    // back already, the second is open. Only the Decision answering a pause by id closes it.
    const { lender, assignment, pause: first } = await lent(orgId, agentId, urgent, "pause", { at: minutes(-30) });
    const earlier = await prisma.decision.create({
      data: {
        orgId,
        workloadId: lender.id,
        kind: "rebalance_resume",
        inputs: { pauseDecisionId: first.id, urgentWorkloadId: urgent.id, resumed: true },
        plan: { action: "resume", replicas: 2 },
        reason: "given back",
        createdAt: minutes(-25),
      },
    });
    const second = await prisma.decision.create({
      data: {
        orgId,
        workloadId: lender.id,
        kind: "rebalance_pause",
        inputs: first.inputs as Prisma.InputJsonValue,
        plan: {},
        reason: "lent again",
        createdAt: minutes(-10),
      },
    });

    expect(await resume(urgent.id)).toEqual([agentId]);
    // One resume, for the open loan: the answered one sends nothing and writes no second answer.
    expect(await commandsOf(orgId)).toEqual([
      { agentId, assignmentId: assignment.id, type: "resume", payload: {}, epoch: 3, status: "PENDING" },
    ]);
    expect(await resumesOf(lender.id)).toEqual([
      earlier,
      expect.objectContaining({
        inputs: { pauseDecisionId: second.id, urgentWorkloadId: urgent.id, resumed: true },
      }),
    ]);
  });

  it("does nothing when no pause names the urgent workload", async () => {
    const orgId = await newOrg();
    const urgent = await newUrgent(orgId);
    expect(await resume(urgent.id)).toEqual([]);
    expect(await prisma.decision.count({ where: { orgId } })).toBe(0);
  });
});
