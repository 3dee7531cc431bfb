import { afterAll, describe, expect, it } from "vitest";
import { prisma, type Prisma, type WorkloadStatus } from "@koi/db";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { recordWakeupsPerTest } from "../agents/test-fixtures.ts";
import { RECONCILE_GRACE_MS, reconcileWorkloads } from "./reconcile-workloads.ts";
import { batchSubmission, dropOutboxRows, h100Pool, orgWithAgent } from "./test-fixtures.ts";

// reconcileWorkloads sweeps every org (integration files run one at a time, so only rows earlier
// files left behind share the sweep): each test checks what it did to its own org's rows, and the
// counts it returns at least include them.

const started = new Date();
const wakeups = recordWakeupsPerTest();
afterAll(async () => {
  await dropOutboxRows();
  // The sweep also asked plans for workloads earlier files left PENDING: nothing relays them here,
  // and later files count the shared outbox.
  await prisma.outboxEvent.deleteMany({
    where: { jobName: "plan-workload", publishedAt: null, createdAt: { gte: started } },
  });
  await commandWakeups().stop();
});

async function addWorkload(orgId: string, status: WorkloadStatus, quietMs: number, name = "nightly-eval") {
  const submission = batchSubmission();
  const w = await prisma.workload.create({
    data: {
      orgId,
      name,
      kind: "batch",
      model: submission.model,
      spec: submission as unknown as Prisma.InputJsonValue,
      status,
      progressTotal: 20_000,
      deadlineAt: new Date(Date.now() + 3600_000),
    },
  });
  // updatedAt is stamped by Prisma on every write: set the quiet time behind its back.
  const updatedAt = new Date(Date.now() - quietMs);
  await prisma.$executeRaw`UPDATE "Workload" SET "updatedAt" = ${updatedAt} WHERE id = ${w.id}`;
  return { ...w, updatedAt };
}

/** The rebalance_pause Decision that records a loan: `lender`'s assignment `assignmentId` lent to `urgent`. */
async function recordLoan(
  orgId: string,
  lenderId: string,
  assignmentId: string,
  urgent: { id: string; name: string },
  loan: { action: "pause" | "shrink"; replicasBefore: number; replicasAfter: number },
) {
  await prisma.decision.create({
    data: {
      orgId,
      workloadId: lenderId,
      kind: "rebalance_pause",
      reason: loan.action === "pause" ? "paused" : "shrunk",
      plan: {},
      inputs: { urgentWorkloadId: urgent.id, urgentName: urgent.name, assignmentId, ...loan },
    },
  });
}

const planJobsOf = (orgId: string) =>
  prisma.outboxEvent
    .findMany({ where: { orgId, jobName: "plan-workload" } })
    .then((rows) => rows.map((r) => ({ jobId: r.jobId, payload: r.payload })));

describe("reconcileWorkloads", () => {
  it("asks for a plan of each workload left PENDING or PLANNING past the grace, once per version of the row", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const pending = await addWorkload(org.id, "PENDING", RECONCILE_GRACE_MS + 5_000);
    const planning = await addWorkload(org.id, "PLANNING", RECONCILE_GRACE_MS + 5_000);
    const recent = await addWorkload(org.id, "PENDING", RECONCILE_GRACE_MS - 5_000);
    const running = await addWorkload(org.id, "RUNNING", RECONCILE_GRACE_MS + 5_000);
    const deploying = await addWorkload(org.id, "PENDING", RECONCILE_GRACE_MS + 5_000);
    await prisma.assignment.create({ data: { orgId: org.id, agentId, workloadId: deploying.id, state: "deploying" } });
    // An ended assignment does not count as live: the workload still needs a plan.
    const lost = await addWorkload(org.id, "PENDING", RECONCILE_GRACE_MS + 5_000);
    await prisma.assignment.create({ data: { orgId: org.id, agentId, workloadId: lost.id, state: "lost" } });

    const first = await reconcileWorkloads();
    const jobs = await planJobsOf(org.id);
    expect(jobs).toHaveLength(3);
    expect(jobs).toEqual(
      expect.arrayContaining(
        [pending, planning, lost].map((w) => ({
          jobId: `plan-${w.id}-${w.updatedAt.getTime()}`,
          payload: { workloadId: w.id },
        })),
      ),
    );
    expect(first.replanned).toBeGreaterThanOrEqual(3);
    for (const w of [recent, running, deploying])
      expect(jobs.map((j) => j.jobId).some((id) => id.startsWith(`plan-${w.id}-`))).toBe(false);

    // The same rows again: the same job ids, so no second job.
    await reconcileWorkloads();
    expect(await planJobsOf(org.id)).toHaveLength(3);
  });

  it("completes a workload whose assignment completed, and counts it", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const w = await addWorkload(org.id, "RUNNING", 0);
    await prisma.assignment.create({
      data: { orgId: org.id, agentId, workloadId: w.id, state: "completed", costUsd: 2.5 },
    });
    const untouched = await addWorkload(org.id, "RUNNING", 0);
    await prisma.assignment.create({ data: { orgId: org.id, agentId, workloadId: untouched.id, state: "running" } });

    const now = new Date();
    const result = await reconcileWorkloads(now);
    expect(result.completed).toBeGreaterThanOrEqual(1);
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).toMatchObject({
      status: "COMPLETED",
      completedAt: now,
      costUsd: 2.5,
    });
    expect((await prisma.workload.findUniqueOrThrow({ where: { id: untouched.id } })).status).toBe("RUNNING");
    // Completed once: a second sweep finds nothing of this org to complete.
    await reconcileWorkloads(now);
    expect(await prisma.decision.count({ where: { workloadId: w.id } })).toBe(0);
  });

  it("gives back what a finished urgent workload borrowed, and leaves a running one's loan alone", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const lend = async (urgentStatus: WorkloadStatus, urgentName: string) => {
      const urgent = await addWorkload(org.id, urgentStatus, 0, urgentName);
      const lender = await addWorkload(org.id, "PAUSED", 0, `lender-of-${urgentName}`);
      const a = await prisma.assignment.create({
        data: { orgId: org.id, agentId, workloadId: lender.id, state: "paused" },
      });
      await recordLoan(
        org.id,
        lender.id,
        a.id,
        { id: urgent.id, name: urgentName },
        { action: "pause", replicasBefore: 1, replicasAfter: 0 },
      );
      return { lender, a };
    };
    const done = await lend("COMPLETED", "urgent-done");
    const busy = await lend("RUNNING", "urgent-busy");

    const result = await reconcileWorkloads();
    expect(result.resumed).toBeGreaterThanOrEqual(1);
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: done.lender.id } })).toMatchObject({
      status: "RUNNING",
      statusDetail: null,
    });
    expect(await prisma.command.findMany({ where: { assignmentId: done.a.id }, select: { type: true } })).toEqual([
      { type: "resume" },
    ]);
    const resume = await prisma.decision.findFirstOrThrow({
      where: { workloadId: done.lender.id, kind: "rebalance_resume" },
    });
    expect(resume.reason).toBe("urgent-done completed: resuming after lending GPUs to urgent-done.");

    expect((await prisma.workload.findUniqueOrThrow({ where: { id: busy.lender.id } })).status).toBe("PAUSED");
    expect(await prisma.command.count({ where: { assignmentId: busy.a.id } })).toBe(0);

    // Answered: a second sweep resumes nothing more of this org.
    await reconcileWorkloads();
    expect(await prisma.decision.count({ where: { workloadId: done.lender.id, kind: "rebalance_resume" } })).toBe(1);
  });

  it("plans the longest-waiting workloads first when more are stale than one sweep takes", async () => {
    const { org } = await orgWithAgent([h100Pool(8)]);
    const submission = batchSubmission();
    const row = { orgId: org.id, kind: "batch", model: submission.model, progressTotal: 20_000 };
    const spec = submission as unknown as Prisma.InputJsonValue;
    // A full sweep's worth (500) quiet for a day, and one PLANNING row quiet for two, written last:
    // neither the table's order nor the (status, updatedAt) index puts it first.
    await prisma.workload.createMany({
      data: Array.from({ length: 500 }, (_, i) => ({ ...row, spec, name: `backlog-${i}`, status: "PENDING" as const })),
    });
    await prisma.$executeRaw`UPDATE "Workload" SET "updatedAt" = now() - interval '1 day' WHERE "orgId" = ${org.id}`;
    const oldest = await addWorkload(org.id, "PLANNING", 2 * 86_400_000, "oldest");

    try {
      await reconcileWorkloads();
      const jobs = await planJobsOf(org.id);
      expect(jobs).toHaveLength(500);
      expect(jobs).toContainEqual({
        jobId: `plan-${oldest.id}-${oldest.updatedAt.getTime()}`,
        payload: { workloadId: oldest.id },
      });
    } finally {
      // Later sweeps (here and in later files) would plan the backlog again.
      await prisma.workload.deleteMany({ where: { orgId: org.id } });
    }
  });

  it("completes every finished workload in one sweep, however many completed assignments one of them has", async () => {
    // The sweep takes 500 workloads at a time, not 500 assignments: one workload's many rows must
    // not crowd out the next.
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const many = await addWorkload(org.id, "RUNNING", 0);
    await prisma.assignment.createMany({
      data: Array.from({ length: 500 }, () => ({ orgId: org.id, agentId, workloadId: many.id, state: "completed" })),
    });
    const next = await addWorkload(org.id, "RUNNING", 0);
    await prisma.assignment.create({ data: { orgId: org.id, agentId, workloadId: next.id, state: "completed" } });

    await reconcileWorkloads();
    const statuses = await prisma.workload.findMany({ where: { orgId: org.id }, select: { status: true } });
    expect(statuses).toEqual([{ status: "COMPLETED" }, { status: "COMPLETED" }]);
  });

  it("leaves a workload waiting for a plan to its plan job, though an assignment of it completed", async () => {
    // PENDING and PLANNING belong to planning: completing one here would race the plan job.
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const w = await addWorkload(org.id, "PENDING", 0);
    await prisma.assignment.create({ data: { orgId: org.id, agentId, workloadId: w.id, state: "completed" } });

    await reconcileWorkloads();
    expect((await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).status).toBe("PENDING");
  });

  it("scales a shrunk lender (still RUNNING) back up once the urgent workload it lent to has ended, and wakes its agent", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const urgent = await addWorkload(org.id, "FAILED", 0, "urgent-failed");
    const lender = await addWorkload(org.id, "RUNNING", 0, "shrunk-lender");
    const placement = { poolId: "p", agentId, tp: 2, pp: 1, replicas: 1, gpus: 2 };
    const a = await prisma.assignment.create({
      data: { orgId: org.id, agentId, workloadId: lender.id, state: "running", placement },
    });
    await recordLoan(
      org.id,
      lender.id,
      a.id,
      { id: urgent.id, name: "urgent-failed" },
      { action: "shrink", replicasBefore: 3, replicasAfter: 1 },
    );

    expect((await reconcileWorkloads()).resumed).toBeGreaterThanOrEqual(1);
    expect(
      await prisma.command.findMany({ where: { assignmentId: a.id }, select: { type: true, payload: true } }),
    ).toEqual([{ type: "scale", payload: { count: 3 } }]);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: a.id } })).placement).toMatchObject({
      replicas: 3,
      gpus: 6,
    });
    expect(await wakeups.take()).toContain(agentId);
  });

  it("leaves a loan alone whose lender has itself ended", async () => {
    // Only loans of PAUSED or RUNNING lenders are given back: an ended lender has nothing to resume.
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const urgent = await addWorkload(org.id, "COMPLETED", 0, "urgent-done");
    const lender = await addWorkload(org.id, "CANCELLED", 0, "cancelled-lender");
    const a = await prisma.assignment.create({
      data: { orgId: org.id, agentId, workloadId: lender.id, state: "stopped" },
    });
    await recordLoan(
      org.id,
      lender.id,
      a.id,
      { id: urgent.id, name: "urgent-done" },
      { action: "pause", replicasBefore: 1, replicasAfter: 0 },
    );

    await reconcileWorkloads();
    expect(await prisma.decision.count({ where: { workloadId: lender.id, kind: "rebalance_resume" } })).toBe(0);
  });
});
