import { afterAll, describe, expect, it } from "vitest";
import type { TAssignmentReport } from "@koi/contracts/agent/reports";
import { prisma, type Prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { registerAgent } from "../agents/register-agent.ts";
import { registration } from "../agents/test-fixtures.ts";
import { applyReportToWorkload } from "./apply-report-to-workload.ts";
import { batchSubmission } from "./test-fixtures.ts";

// The workload side of a report, called as recordReport calls it (inside a transaction), on rows
// set up in exactly the state each rule reads: which status a report moves, which jobs it asks
// for, and when spend past a budget is announced.

const orgIds: string[] = [];
afterAll(async () => {
  // No worker relays these rows here; later test files count the shared database's outbox.
  await prisma.outboxEvent.deleteMany({ where: { orgId: { in: orgIds }, publishedAt: null } });
});

const T = new Date("2026-11-02T12:00:00.000Z");
const minutes = (n: number) => new Date(T.getTime() + n * 60_000);

async function setUp(workload: Partial<Prisma.WorkloadUncheckedCreateInput> = {}, assignmentCosts: number[] = [0]) {
  const org = await createTestOrg();
  orgIds.push(org.id);
  const { agentId } = await registerAgent(org.id, "key_test", registration());
  const w = await prisma.workload.create({
    data: {
      orgId: org.id,
      name: "nightly-eval",
      kind: "batch",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      spec: {},
      status: "RUNNING",
      ...workload,
    },
  });
  const assignments = [];
  for (const costUsd of assignmentCosts)
    assignments.push(
      await prisma.assignment.create({ data: { orgId: org.id, agentId, workloadId: w.id, state: "running", costUsd } }),
    );
  return { org, workload: w, assignment: assignments[0]!, assignments };
}

function report(state: TAssignmentReport["state"], at = T): TAssignmentReport {
  return { epoch: 1, seq: 0, state, at: at.toISOString(), usage: [] };
}

const apply = (workloadId: string, assignmentId: string, r: TAssignmentReport) =>
  prisma.$transaction((tx) => applyReportToWorkload(tx, workloadId, assignmentId, r));
const reload = (id: string) => prisma.workload.findUniqueOrThrow({ where: { id } });
const jobsOf = (orgId: string) =>
  prisma.outboxEvent
    .findMany({ where: { orgId }, orderBy: { createdAt: "asc" } })
    .then((rows) => rows.map((r) => ({ jobName: r.jobName, jobId: r.jobId, payload: r.payload })));

describe("a report's status change", () => {
  it("starts a dispatching workload at the report's time, once, and clears its status line", async () => {
    const { workload, assignment } = await setUp({ status: "DISPATCHING", statusDetail: "waiting for the engine" });
    await apply(workload.id, assignment.id, report("running", T));
    expect(await reload(workload.id)).toMatchObject({ status: "RUNNING", startedAt: T, statusDetail: null });
    await apply(workload.id, assignment.id, report("running", minutes(5)));
    expect((await reload(workload.id)).startedAt).toEqual(T);
  });

  it("keeps the first start when a replanned workload is dispatched again", async () => {
    const { workload, assignment } = await setUp({ status: "DISPATCHING", startedAt: minutes(-60) });
    await apply(workload.id, assignment.id, report("running", T));
    expect(await reload(workload.id)).toMatchObject({ status: "RUNNING", startedAt: minutes(-60) });
  });

  it("does not start a workload that is not dispatching, nor on a report that is not running", async () => {
    const pending = await setUp({ status: "PENDING", statusDetail: "waiting for GPUs" });
    await apply(pending.workload.id, pending.assignment.id, report("running"));
    expect(await reload(pending.workload.id)).toMatchObject({
      status: "PENDING",
      startedAt: null,
      statusDetail: "waiting for GPUs",
    });
    const deploying = await setUp({ status: "DISPATCHING", statusDetail: "deploying" });
    await apply(deploying.workload.id, deploying.assignment.id, report("deploying"));
    expect(await reload(deploying.workload.id)).toMatchObject({
      status: "DISPATCHING",
      startedAt: null,
      statusDetail: "deploying",
    });
  });

  it("does nothing for a workload that no longer exists", async () => {
    const { assignment } = await setUp();
    await expect(apply("no-such-workload", assignment.id, report("completed"))).resolves.toBeUndefined();
  });
});

describe("a report's totals", () => {
  it("sums progress and cost over the workload's assignments, progress capped at the total", async () => {
    const { workload, assignments } = await setUp({ progressTotal: 600 }, [1.5, 2.25]);
    await prisma.assignment.update({ where: { id: assignments[0]!.id }, data: { progressDone: 300 } });
    await prisma.assignment.update({ where: { id: assignments[1]!.id }, data: { progressDone: 500 } });
    await apply(workload.id, assignments[1]!.id, report("running"));
    expect(await reload(workload.id)).toMatchObject({ progressDone: 600, costUsd: 3.75, progressEstimate: null });
  });

  it("takes the sum as it is when the workload has no total", async () => {
    const { workload, assignments } = await setUp({ progressTotal: 0 }, [0, 0]);
    await prisma.assignment.update({ where: { id: assignments[0]!.id }, data: { progressDone: 300 } });
    await prisma.assignment.update({ where: { id: assignments[1]!.id }, data: { progressDone: 500 } });
    await apply(workload.id, assignments[0]!.id, report("running"));
    expect((await reload(workload.id)).progressDone).toBe(800);
  });

  it("estimates progress between chunk counts up to the workload's total, and without a cap when it has none", async () => {
    // 20,000 requests of 300 output tokens in 100 chunks; 1,500 output tokens/s for the 20 s since
    // chunk 0 was first reported: 100 requests past the count.
    const estimated = async (progressTotal: number) => {
      const { org, workload, assignment } = await setUp({ spec: batchSubmission(), progressTotal });
      await prisma.assignment.update({ where: { id: assignment.id }, data: { progressTotal: 20_000 } });
      const chunks = (at: Date): TAssignmentReport => ({
        ...report("running", at),
        progress: { completed: 0, total: 100, unit: "chunks" },
        throughput: { tokensPerSecond: 6_500, outputTokensPerSecond: 1_500 },
      });
      await prisma.assignmentReport.create({
        data: { orgId: org.id, assignmentId: assignment.id, epoch: 1, seq: 0, at: T, data: chunks(T) },
      });
      await apply(workload.id, assignment.id, { ...chunks(new Date(T.getTime() + 20_000)), seq: 1 });
      return (await reload(workload.id)).progressEstimate;
    };
    expect(await estimated(20_000)).toBe(100);
    expect(await estimated(60)).toBe(60);
    expect(await estimated(0)).toBe(100);
  });
});

describe("the jobs a report asks for", () => {
  it("asks to complete the workload when the engine reports it completed", async () => {
    const { org, workload, assignment } = await setUp({ status: "RUNNING" });
    await apply(workload.id, assignment.id, report("completed"));
    expect(await jobsOf(org.id)).toEqual([
      { jobName: "complete-workload", jobId: `complete-${workload.id}`, payload: { workloadId: workload.id } },
    ]);
  });

  it("does not complete a workload that has already ended", async () => {
    for (const status of ["COMPLETED", "FAILED", "CANCELLED"] as const) {
      const { org, workload, assignment } = await setUp({ status });
      await apply(workload.id, assignment.id, report("completed"));
      expect(await jobsOf(org.id)).toEqual([]);
    }
  });

  it("a fenced assignment's report asks for nothing and starts nothing, but its cost still counts", async () => {
    const { org, workload, assignment } = await setUp({ status: "DISPATCHING" }, [2]);
    const fenced = (r: TAssignmentReport) =>
      prisma.$transaction((tx) => applyReportToWorkload(tx, workload.id, assignment.id, r, { fenced: true }));
    for (const state of ["running", "completed", "failed"] as const) await fenced(report(state));
    expect(await jobsOf(org.id)).toEqual([]);
    expect(await reload(workload.id)).toMatchObject({ status: "DISPATCHING", startedAt: null, costUsd: 2 });
  });

  it("asks to replan what is left when a dispatching or running job fails, and only then", async () => {
    for (const status of ["DISPATCHING", "RUNNING"] as const) {
      const { org, workload, assignment } = await setUp({ status });
      await apply(workload.id, assignment.id, report("failed"));
      expect(await jobsOf(org.id)).toEqual([
        {
          jobName: "replan-workload",
          jobId: `replan-${assignment.id}-failed`,
          payload: {
            workloadId: workload.id,
            reason: "the engine reported the job failed",
            assignmentId: assignment.id,
          },
        },
      ]);
    }
    for (const status of ["PENDING", "PAUSED", "COMPLETED"] as const) {
      const { org, workload, assignment } = await setUp({ status });
      await apply(workload.id, assignment.id, report("failed"));
      expect(await jobsOf(org.id)).toEqual([]);
    }
    const { org, workload, assignment } = await setUp({ status: "RUNNING" });
    await apply(workload.id, assignment.id, report("running"));
    expect(await jobsOf(org.id)).toEqual([]);
  });
});

describe("spend past a budget", () => {
  const notified = async (orgId: string) =>
    (await jobsOf(orgId))
      .filter((j) => j.jobName === "notify-org")
      .map((j) => (j.payload as { message: string }).message);

  it("announces a batch job once, when this report takes its total past the budget", async () => {
    const at = await setUp({ budgetUsd: 10, costUsd: 9 }, [10]);
    await apply(at.workload.id, at.assignment.id, report("running"));
    expect(await notified(at.org.id)).toEqual([]); // exactly the budget is not past it

    const past = await setUp({ budgetUsd: 10, costUsd: 10 }, [10.5]);
    await apply(past.workload.id, past.assignment.id, report("running"));
    expect(await jobsOf(past.org.id)).toEqual([
      {
        jobName: "notify-org",
        jobId: `notify-budget-${past.workload.id}`,
        payload: {
          notificationKey: `budget-${past.workload.id}`,
          orgId: past.org.id,
          kind: "budget",
          workloadId: past.workload.id,
          message: "nightly-eval has spent $10.50, past its budget of $10.00.",
        },
      },
    ]);

    const already = await setUp({ budgetUsd: 10, costUsd: 10.5 }, [11]);
    await apply(already.workload.id, already.assignment.id, report("running"));
    expect(await notified(already.org.id)).toEqual([]);

    const none = await setUp({ budgetUsd: null, costUsd: 0 }, [1_000]);
    await apply(none.workload.id, none.assignment.id, report("running"));
    expect(await notified(none.org.id)).toEqual([]);
  });

  async function onlineService(startedAt: Date | null, usage: { at: Date; costUsd: number }[]) {
    const s = await setUp({ kind: "online", name: "chat", budgetUsd: 5, startedAt });
    for (const u of usage)
      await prisma.usageRecord.create({
        data: { orgId: s.org.id, assignmentId: s.assignment.id, component: "spot", seconds: 60, ...u },
      });
    return s;
  }

  it("judges an online service's spend per hour over the last hour, from 15 minutes after it started", async () => {
    // $2 over its first 15 minutes: $8/h.
    const judged = await onlineService(minutes(-15), [{ at: minutes(-5), costUsd: 2 }]);
    await apply(judged.workload.id, judged.assignment.id, report("running", T));
    expect(await notified(judged.org.id)).toEqual(["chat is spending $8.00/h, past its budget of $5.00/h."]);

    const early = await onlineService(minutes(-14), [{ at: minutes(-5), costUsd: 2 }]);
    await apply(early.workload.id, early.assignment.id, report("running", T));
    expect(await notified(early.org.id)).toEqual([]);

    const notStarted = await onlineService(null, [{ at: minutes(-5), costUsd: 100 }]);
    await apply(notStarted.workload.id, notStarted.assignment.id, report("running", T));
    expect(await notified(notStarted.org.id)).toEqual([]);
  });

  it("counts only the last hour's spend, and exactly the budget is not past it", async () => {
    // Two hours in: the window is the last hour, so the $50 at its very start and before it do not count.
    const s = await onlineService(minutes(-120), [
      { at: minutes(-90), costUsd: 50 },
      { at: minutes(-60), costUsd: 50 },
      { at: minutes(-59), costUsd: 3 },
      { at: minutes(-1), costUsd: 2 },
    ]);
    await apply(s.workload.id, s.assignment.id, report("running", T));
    expect(await notified(s.org.id)).toEqual([]); // $5/h

    await prisma.usageRecord.create({
      data: { orgId: s.org.id, assignmentId: s.assignment.id, component: "spot", seconds: 60, at: T, costUsd: 0.5 },
    });
    await apply(s.workload.id, s.assignment.id, report("running", T));
    expect(await notified(s.org.id)).toEqual(["chat is spending $5.50/h, past its budget of $5.00/h."]);
  });

  it("announces an online service once", async () => {
    const s = await onlineService(minutes(-30), [{ at: minutes(-10), costUsd: 20 }]);
    await apply(s.workload.id, s.assignment.id, report("running", T));
    await prisma.outboxEvent.updateMany({ where: { orgId: s.org.id }, data: { publishedAt: new Date() } });
    await prisma.usageRecord.create({
      data: { orgId: s.org.id, assignmentId: s.assignment.id, component: "spot", seconds: 60, at: T, costUsd: 20 },
    });
    await apply(s.workload.id, s.assignment.id, report("running", minutes(1)));
    expect(await notified(s.org.id)).toEqual(["chat is spending $40.00/h, past its budget of $5.00/h."]);
  });
});
