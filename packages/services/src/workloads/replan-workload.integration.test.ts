import { afterAll, describe, expect, it } from "vitest";
import type { TGpuPool } from "@koi/contracts/agent/heartbeat";
import { prisma, type AgentStatus, type Prisma, type WorkloadStatus } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { recordHeartbeat } from "../agents/record-heartbeat.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { recordWakeupsPerTest, registration } from "../agents/test-fixtures.ts";
import { enqueueReplans, replanWorkload } from "./replan-workload.ts";
import { batchSubmission, commandsOf, h100Pool, holdOrgPlanningLock } from "./test-fixtures.ts";

// replanWorkload and enqueueReplans called directly, on rows set up in exactly the state each rule
// reads: which assignment is fenced (and how), who is told to stop and woken, when a failed engine
// job is replanned or fails the workload, and which replan jobs an OFFLINE agent queues.

// The agents each call wakes after commit (its `wake` list), heard on the wake-up channel.
const wakeups = recordWakeupsPerTest();

const orgIds: string[] = [];
afterAll(async () => {
  // No worker relays these rows here; later test files count the shared database's outbox.
  await prisma.outboxEvent.deleteMany({ where: { orgId: { in: orgIds }, publishedAt: null } });
  await commandWakeups().stop();
});

const T = new Date("2026-11-02T12:00:00.000Z");
const minutes = (n: number) => new Date(T.getTime() + n * 60_000);
const ENGINE_FAILED = "the engine reported the job failed";

async function newOrg() {
  const org = await createTestOrg();
  orgIds.push(org.id);
  return org;
}

/** A registered agent reporting `pools` (none: no capacity), then set to `status`. */
async function addAgent(orgId: string, pools: TGpuPool[] = [], status: AgentStatus = "ONLINE") {
  const { agentId } = await registerAgent(orgId, "key_test", registration());
  if (pools.length) await recordHeartbeat(orgId, agentId, { inventory: { pools }, assignments: [] });
  if (status !== "ONLINE") await prisma.agent.update({ where: { id: agentId }, data: { status } });
  return agentId;
}

/** A plannable batch workload (8B model, 20,000 requests, due two hours after T). */
async function addWorkload(orgId: string, status: WorkloadStatus = "RUNNING") {
  const submission = batchSubmission();
  return prisma.workload.create({
    data: {
      orgId,
      name: "nightly-eval",
      kind: "batch",
      model: submission.model,
      spec: submission as unknown as Prisma.InputJsonValue,
      status,
      statusDetail: "as it was",
      deadlineAt: minutes(120),
      progressTotal: 20_000,
      engine: "orca",
      startedAt: minutes(-30),
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
  return prisma.assignment.create({ data: { orgId, agentId, workloadId, state, progressTotal: 20_000, ...over } });
}

const reloadWorkload = (id: string) => prisma.workload.findUniqueOrThrow({ where: { id } });
const reloadAssignment = (id: string) => prisma.assignment.findUniqueOrThrow({ where: { id } });

/** The replan Decision's inputs: what replanWorkload passes, plus what planLocked always adds. */
async function replanInputs(decisionId: string) {
  const decision = await prisma.decision.findUniqueOrThrow({ where: { id: decisionId } });
  expect(decision.kind).toBe("replan");
  return decision.inputs as Record<string, unknown>;
}
const PLAN_INPUT_KEYS = ["at", "capacity", "progress", "workload"];

describe("replanWorkload on a finished workload", () => {
  it("is a no-op for a workload that does not exist", async () => {
    expect(await replanWorkload("no-such-workload", "agent offline")).toEqual({
      outcome: "noop",
      detail: "workload finished",
    });
    expect(await wakeups.take()).toEqual([]);
  });

  it.each(["COMPLETED", "FAILED", "CANCELLED"] as const)(
    "leaves a %s workload and its still-live assignment alone",
    async (status) => {
      const org = await newOrg();
      const agentId = await addAgent(org.id, [h100Pool(16)]);
      const w = await addWorkload(org.id, status);
      const a = await addAssignment(org.id, agentId, w.id, "running");

      expect(await replanWorkload(w.id, "agent offline", a.id, T)).toEqual({
        outcome: "noop",
        detail: "workload finished",
      });
      expect(await reloadAssignment(a.id)).toMatchObject({ epoch: 1, state: "running" });
      expect(await reloadWorkload(w.id)).toMatchObject({ status, statusDetail: "as it was", completedAt: null });
      expect(await commandsOf(org.id)).toEqual([]);
      expect(await prisma.decision.count({ where: { workloadId: w.id } })).toBe(0);
      expect(await wakeups.take()).toEqual([]);
    },
  );
});

describe("replanWorkload with a live assignment", () => {
  /** Two live assignments on one ONLINE agent without pools (a replan can only wait). */
  async function twoLive() {
    const org = await newOrg();
    const agentId = await addAgent(org.id);
    const w = await addWorkload(org.id);
    const older = await addAssignment(org.id, agentId, w.id, "running", { createdAt: minutes(-20), epoch: 3 });
    const newer = await addAssignment(org.id, agentId, w.id, "deploying", { createdAt: minutes(-10), epoch: 3 });
    return { org, agentId, w, older, newer };
  }

  it("fences the newest live one when none is named: epoch +1, lost, a stop for its ONLINE agent, woken", async () => {
    const { org, agentId, w, older, newer } = await twoLive();

    // Nowhere to go (the only agent has no pools): the workload waits and reconcile retries it.
    expect(await replanWorkload(w.id, "agent offline", undefined, T)).toEqual({
      outcome: "waiting",
      detail: "waiting for capacity",
    });
    expect(await reloadAssignment(newer.id)).toMatchObject({ epoch: 4, state: "lost" });
    expect(await reloadAssignment(older.id)).toMatchObject({ epoch: 3, state: "running" });
    // Stamped with the new epoch, so the agent obeys it.
    expect(await commandsOf(org.id)).toEqual([
      { agentId, assignmentId: newer.id, type: "stop", payload: {}, epoch: 4, status: "PENDING" },
    ]);
    expect(await wakeups.take()).toEqual([agentId]);
    expect(await reloadWorkload(w.id)).toMatchObject({ status: "PENDING", statusDetail: "waiting for capacity" });
    expect(await prisma.decision.count({ where: { workloadId: w.id } })).toBe(0);
  });

  it("fences the named live one, even when a newer one is live", async () => {
    const { org, agentId, w, older, newer } = await twoLive();

    expect((await replanWorkload(w.id, "agent offline", older.id, T)).outcome).toBe("waiting");
    expect(await reloadAssignment(older.id)).toMatchObject({ epoch: 4, state: "lost" });
    expect(await reloadAssignment(newer.id)).toMatchObject({ epoch: 3, state: "deploying" });
    expect(await commandsOf(org.id)).toEqual([
      { agentId, assignmentId: older.id, type: "stop", payload: {}, epoch: 4, status: "PENDING" },
    ]);
  });

  it("sends no stop to an OFFLINE agent and does not wake it; the replan dispatches to an ONLINE agent with room", async () => {
    const org = await newOrg();
    const gone = await addAgent(org.id, [], "OFFLINE");
    const spare = await addAgent(org.id, [h100Pool(16)]);
    const w = await addWorkload(org.id);
    const a = await addAssignment(org.id, gone, w.id, "running");

    const outcome = await replanWorkload(w.id, "agent offline", a.id, T);
    expect(outcome).toEqual({
      outcome: "dispatched",
      agentId: spare,
      decisionId: expect.any(String),
      assignmentId: expect.any(String),
    });
    if (outcome.outcome !== "dispatched") return;
    expect(await reloadAssignment(a.id)).toMatchObject({ epoch: 2, state: "lost" });
    // Only the new placement's deploy: nothing for the unreachable agent.
    expect(await commandsOf(org.id)).toEqual([
      expect.objectContaining({ agentId: spare, assignmentId: outcome.assignmentId, type: "deploy", epoch: 1 }),
    ]);
    expect(await wakeups.take()).toEqual([spare]);
    expect(await reloadAssignment(outcome.assignmentId)).toMatchObject({
      agentId: spare,
      workloadId: w.id,
      decisionId: outcome.decisionId,
      state: "deploying",
    });
    expect(await reloadWorkload(w.id)).toMatchObject({
      status: "DISPATCHING",
      statusDetail: expect.stringMatching(/^deploying /),
    });

    const inputs = await replanInputs(outcome.decisionId);
    expect(Object.keys(inputs).sort()).toEqual(
      [...PLAN_INPUT_KEYS, "reason", "lostAssignmentId", "fencedEpoch"].sort(),
    );
    expect(inputs).toMatchObject({
      reason: "agent offline",
      lostAssignmentId: a.id,
      fencedEpoch: 2,
      at: T.toISOString(),
    });
  });

  it.each(["ONLINE", "DEGRADED"] as const)(
    "wakes both the lost assignment's %s agent (to stop) and the agent the replan dispatches to",
    async (status) => {
      // A DEGRADED agent still polls: the rest of its old job must be stopped too (it was left running).
      const org = await newOrg();
      const preempted = await addAgent(org.id, [], status);
      const spare = await addAgent(org.id, [h100Pool(16)]);
      const w = await addWorkload(org.id);
      const a = await addAssignment(org.id, preempted, w.id, "running");

      const outcome = await replanWorkload(w.id, "spot_preemption", a.id, T);
      expect(outcome).toMatchObject({ outcome: "dispatched", agentId: spare });
      expect(await wakeups.take()).toEqual([preempted, spare]);
      expect((await commandsOf(org.id)).map((c) => [c.agentId, c.type])).toEqual([
        [preempted, "stop"],
        [spare, "deploy"],
      ]);
    },
  );

  it("never touches another workload's assignments", async () => {
    const org = await newOrg();
    const agentId = await addAgent(org.id, [h100Pool(16)]);
    const w = await addWorkload(org.id);
    const other = await addWorkload(org.id);
    const othersLive = await addAssignment(org.id, agentId, other.id, "running");
    const othersFailed = await addAssignment(org.id, agentId, other.id, "failed");
    const noop = { outcome: "noop", detail: "no live assignment to replan" };

    expect(await replanWorkload(w.id, "agent offline", undefined, T)).toEqual(noop);
    expect(await replanWorkload(w.id, "agent offline", othersLive.id, T)).toEqual(noop);
    expect(await replanWorkload(w.id, ENGINE_FAILED, othersFailed.id, T)).toEqual(noop);
    expect(await reloadAssignment(othersLive.id)).toMatchObject({ epoch: 1, state: "running" });
    expect(await reloadAssignment(othersFailed.id)).toMatchObject({ epoch: 1, state: "failed" });
    expect(await reloadWorkload(w.id)).toMatchObject({ status: "RUNNING", statusDetail: "as it was" });
    expect(await commandsOf(org.id)).toEqual([]);
    expect(await wakeups.take()).toEqual([]);
  });
});

describe("replanWorkload after the engine failed the job", () => {
  /** A workload whose only assignment the engine reported `failed`, on an ONLINE agent with room. */
  async function failedJob(status: WorkloadStatus = "RUNNING") {
    const org = await newOrg();
    const agentId = await addAgent(org.id, [h100Pool(16)]);
    const w = await addWorkload(org.id, status);
    const failed = await addAssignment(org.id, agentId, w.id, "failed", { createdAt: minutes(-5) });
    return { org, agentId, w, failed };
  }

  /** A no-op leaves every row as it was: no fencing, no status change, nothing planned or sent. */
  async function expectNoop(run: Promise<unknown>, s: Awaited<ReturnType<typeof failedJob>>) {
    expect(await run).toEqual({ outcome: "noop", detail: "no live assignment to replan" });
    expect(await reloadAssignment(s.failed.id)).toMatchObject({ epoch: 1, state: "failed" });
    expect(await reloadWorkload(s.w.id)).toMatchObject({ status: s.w.status, statusDetail: "as it was" });
    expect(await prisma.decision.count({ where: { workloadId: s.w.id } })).toBe(0);
    expect(await commandsOf(s.org.id)).toEqual([]);
    expect(await wakeups.take()).toEqual([]);
  }

  it.each(["DISPATCHING", "RUNNING"] as const)(
    "replans a %s workload: the failed assignment is fenced (epoch +1, still failed) and named in the Decision",
    async (status) => {
      const { org, agentId, w, failed } = await failedJob(status);

      const outcome = await replanWorkload(w.id, ENGINE_FAILED, failed.id, T);
      expect(outcome).toEqual({
        outcome: "dispatched",
        agentId,
        decisionId: expect.any(String),
        assignmentId: expect.any(String),
      });
      if (outcome.outcome !== "dispatched") return;
      expect(await reloadAssignment(failed.id)).toMatchObject({ epoch: 2, state: "failed" });
      // The engine already ended that job: no stop, only the new placement's deploy.
      expect((await commandsOf(org.id)).map((c) => [c.assignmentId, c.type])).toEqual([
        [outcome.assignmentId, "deploy"],
      ]);
      expect(await wakeups.take()).toEqual([agentId]);
      expect((await reloadWorkload(w.id)).status).toBe("DISPATCHING");

      const inputs = await replanInputs(outcome.decisionId);
      expect(Object.keys(inputs).sort()).toEqual(
        [...PLAN_INPUT_KEYS, "reason", "failedAssignmentId", "fencedEpoch"].sort(),
      );
      expect(inputs).toMatchObject({ reason: ENGINE_FAILED, failedAssignmentId: failed.id, fencedEpoch: 2 });
    },
  );

  it("is a no-op when no assignment is named", async () => {
    const s = await failedJob();
    await expectNoop(replanWorkload(s.w.id, ENGINE_FAILED, undefined, T), s);
  });

  it.each(["completed", "stopped", "lost"])(
    "is a no-op when the named assignment ended %s rather than failed",
    async (state) => {
      const s = await failedJob();
      const ended = await addAssignment(s.org.id, s.agentId, s.w.id, state);
      await expectNoop(replanWorkload(s.w.id, ENGINE_FAILED, ended.id, T), s);
      expect(await reloadAssignment(ended.id)).toMatchObject({ epoch: 1, state });
    },
  );

  it("is a no-op when the named failed assignment belongs to another workload", async () => {
    const s = await failedJob();
    const other = await addWorkload(s.org.id);
    const othersFailed = await addAssignment(s.org.id, s.agentId, other.id, "failed");
    await expectNoop(replanWorkload(s.w.id, ENGINE_FAILED, othersFailed.id, T), s);
    expect(await reloadAssignment(othersFailed.id)).toMatchObject({ epoch: 1, state: "failed" });
  });

  it("is a no-op once a newer assignment of the workload is live (the job was placed again already)", async () => {
    const s = await failedJob();
    const newer = await addAssignment(s.org.id, s.agentId, s.w.id, "deploying");
    await expectNoop(replanWorkload(s.w.id, ENGINE_FAILED, s.failed.id, T), s);
    expect(await reloadAssignment(newer.id)).toMatchObject({ epoch: 1, state: "deploying" });
  });

  it.each(["PENDING", "PLANNING", "PAUSED"] as const)(
    "is a no-op for a %s workload (waiting or paused: nothing to take over)",
    async (status) => {
      const s = await failedJob(status);
      await expectNoop(replanWorkload(s.w.id, ENGINE_FAILED, s.failed.id, T), s);
    },
  );
});

describe("replanWorkload's engine-failure limit", () => {
  it("replans a second failure; lost and completed assignments and other workloads' failures do not count", async () => {
    const org = await newOrg();
    const agentId = await addAgent(org.id, [h100Pool(16)]);
    const w = await addWorkload(org.id);
    await addAssignment(org.id, agentId, w.id, "failed", { createdAt: minutes(-40) });
    await addAssignment(org.id, agentId, w.id, "lost", { createdAt: minutes(-30) });
    await addAssignment(org.id, agentId, w.id, "completed", { createdAt: minutes(-20) });
    const last = await addAssignment(org.id, agentId, w.id, "failed", { createdAt: minutes(-10) });
    const other = await addWorkload(org.id);
    for (let i = 0; i < 3; i++) await addAssignment(org.id, agentId, other.id, "failed");

    expect(await replanWorkload(w.id, ENGINE_FAILED, last.id, T)).toMatchObject({ outcome: "dispatched", agentId });
    expect(await reloadWorkload(w.id)).toMatchObject({ status: "DISPATCHING", completedAt: null });
  });

  it("fails the workload on the third failure, word for word, at `now`, and plans nothing", async () => {
    const org = await newOrg();
    const agentId = await addAgent(org.id, [h100Pool(16)]);
    const w = await addWorkload(org.id);
    await addAssignment(org.id, agentId, w.id, "failed", { createdAt: minutes(-20) });
    await addAssignment(org.id, agentId, w.id, "failed", { createdAt: minutes(-15) });
    const last = await addAssignment(org.id, agentId, w.id, "failed", { createdAt: minutes(-10) });

    expect(await replanWorkload(w.id, ENGINE_FAILED, last.id, T)).toEqual({
      outcome: "failed",
      detail: "3 engine failures",
    });
    expect(await reloadWorkload(w.id)).toMatchObject({
      status: "FAILED",
      completedAt: T,
      statusDetail: `the engine failed this workload's job 3 times; last: ${ENGINE_FAILED}`,
    });
    // Fenced all the same: a late report of the failed job is refused.
    expect(await reloadAssignment(last.id)).toMatchObject({ epoch: 2, state: "failed" });
    expect(await prisma.assignment.count({ where: { workloadId: w.id } })).toBe(3);
    expect(await prisma.decision.count({ where: { workloadId: w.id } })).toBe(0);
    expect(await commandsOf(org.id)).toEqual([]);
    expect(await wakeups.take()).toEqual([]);
  });

  it("fails a workload with three past failures when a live assignment is lost too, after telling its agent to stop", async () => {
    const org = await newOrg();
    const agentId = await addAgent(org.id, [h100Pool(16)]);
    const w = await addWorkload(org.id);
    for (let i = 0; i < 3; i++) await addAssignment(org.id, agentId, w.id, "failed", { createdAt: minutes(-30 + i) });
    const live = await addAssignment(org.id, agentId, w.id, "running");

    expect(await replanWorkload(w.id, "agent offline", undefined, T)).toEqual({
      outcome: "failed",
      detail: "3 engine failures",
    });
    expect(await reloadAssignment(live.id)).toMatchObject({ epoch: 2, state: "lost" });
    expect((await commandsOf(org.id)).map((c) => [c.assignmentId, c.type])).toEqual([[live.id, "stop"]]);
    expect(await wakeups.take()).toEqual([agentId]);
    expect(await reloadWorkload(w.id)).toMatchObject({
      status: "FAILED",
      completedAt: T,
      statusDetail: "the engine failed this workload's job 3 times; last: agent offline",
    });
  });

  it("cuts the status line to 1000 characters when the reason is very long", async () => {
    const org = await newOrg();
    const agentId = await addAgent(org.id);
    const w = await addWorkload(org.id);
    await addAssignment(org.id, agentId, w.id, "failed", { createdAt: minutes(-20) });
    await addAssignment(org.id, agentId, w.id, "failed", { createdAt: minutes(-15) });
    const last = await addAssignment(org.id, agentId, w.id, "failed", { createdAt: minutes(-10) });
    const reason = `engine error: ${"x".repeat(2000)}`;

    expect((await replanWorkload(w.id, reason, last.id, T)).outcome).toBe("failed");
    const { statusDetail } = await reloadWorkload(w.id);
    expect(statusDetail).toBe(`the engine failed this workload's job 3 times; last: ${reason}`.slice(0, 1000));
    expect(statusDetail).toHaveLength(1000);
  });
});

describe("replanWorkload and the org's planning lock", () => {
  it("waits for a planning run in the same org before it places the work again, since it hands out GPUs", async () => {
    const org = await newOrg();
    const agentId = await addAgent(org.id, [h100Pool(16)]);
    const w = await addWorkload(org.id);
    const a = await addAssignment(org.id, agentId, w.id, "running");
    const planner = await holdOrgPlanningLock(org.id);
    const replan = replanWorkload(w.id, "agent offline", a.id, T);
    const first = await Promise.race([
      replan.then(() => "answered"),
      new Promise((resolve) => setTimeout(() => resolve("waited for the planner"), 1_500)),
    ]);
    await planner.release();
    expect(await replan).toMatchObject({ outcome: "dispatched", agentId });
    expect(first).toBe("waited for the planner");
  });
});

describe("enqueueReplans", () => {
  const enqueue = (where: Prisma.AssignmentWhereInput, reason: string) =>
    prisma.$transaction((tx) => enqueueReplans(tx, where, reason));
  const jobsOf = (orgId: string) =>
    prisma.outboxEvent
      .findMany({ where: { orgId }, orderBy: { jobId: "asc" } })
      .then((rows) => rows.map((r) => ({ jobName: r.jobName, jobId: r.jobId, payload: r.payload, orgId: r.orgId })));

  /** One agent's assignments in every shape enqueueReplans must tell apart, and one on another agent. */
  async function fleet() {
    const org = await newOrg();
    const agentId = await addAgent(org.id);
    const otherAgent = await addAgent(org.id);
    const w1 = await addWorkload(org.id);
    const w2 = await addWorkload(org.id);
    const running = await addAssignment(org.id, agentId, w1.id, "running");
    const paused = await addAssignment(org.id, agentId, w2.id, "paused", { epoch: 3 });
    for (const state of ["failed", "lost", "completed", "stopped"]) await addAssignment(org.id, agentId, w1.id, state);
    // Not a workload's (e.g. an engine job Koi only watches): nothing to replan.
    await addAssignment(org.id, agentId, null, "running");
    await addAssignment(org.id, otherAgent, w1.id, "running");
    return { org, agentId, otherAgent, w1, w2, running, paused };
  }

  it("queues one job per live workload assignment matching `where`, named by assignment and epoch", async () => {
    const { org, agentId, w1, w2, running, paused } = await fleet();
    const reason = `agent went OFFLINE: ${"y".repeat(600)}`;

    expect(await enqueue({ agentId }, reason)).toBe(2);
    // The job payload's reason is capped at 500 characters.
    const payloadReason = reason.slice(0, 500);
    expect(await jobsOf(org.id)).toEqual(
      [
        {
          jobName: "replan-workload",
          jobId: `replan-${running.id}-1`,
          payload: { workloadId: w1.id, reason: payloadReason, assignmentId: running.id },
          orgId: org.id,
        },
        {
          jobName: "replan-workload",
          jobId: `replan-${paused.id}-3`,
          payload: { workloadId: w2.id, reason: payloadReason, assignmentId: paused.id },
          orgId: org.id,
        },
      ].sort((a, b) => (a.jobId < b.jobId ? -1 : 1)),
    );
  });

  it("adds nothing when called again for the same epochs; a fenced assignment's new epoch is a new job", async () => {
    const { org, agentId, running } = await fleet();

    expect(await enqueue({ agentId }, "agent offline")).toBe(2);
    // It counts what it found live, not rows it wrote: the repeat still says 2.
    expect(await enqueue({ agentId }, "agent offline again")).toBe(2);
    const jobs = await jobsOf(org.id);
    expect(jobs).toHaveLength(2);
    // The first row stands (the upsert updates nothing).
    for (const j of jobs) expect(j.payload).toMatchObject({ reason: "agent offline" });

    await prisma.assignment.update({ where: { id: running.id }, data: { epoch: 2 } });
    expect(await enqueue({ agentId }, "agent offline")).toBe(2);
    expect((await jobsOf(org.id)).map((j) => j.jobId)).toEqual(
      expect.arrayContaining([`replan-${running.id}-1`, `replan-${running.id}-2`]),
    );
    expect(await jobsOf(org.id)).toHaveLength(3);
  });

  it("returns 0 and queues nothing when no live workload assignment matches", async () => {
    const org = await newOrg();
    const agentId = await addAgent(org.id);
    const w = await addWorkload(org.id);
    await addAssignment(org.id, agentId, w.id, "failed");
    await addAssignment(org.id, agentId, null, "running");

    expect(await enqueue({ agentId }, "agent offline")).toBe(0);
    expect(await jobsOf(org.id)).toEqual([]);
  });
});
