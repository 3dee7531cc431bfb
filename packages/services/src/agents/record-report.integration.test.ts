import { afterAll, describe, expect, it } from "vitest";
import type { TAssignmentReport } from "@koi/contracts/agent/reports";
import { createTestOrg } from "@koi/db/factories";
import type { TOnlineSample } from "@koi/contracts/agent/online-sample";
import { usageDollars } from "@koi/core/metrics/koi-metrics";
import { createPrismaClient, prisma } from "@koi/db";
import { commandWakeups } from "./command-wakeups.ts";
import { loadUsageRefusals } from "../costs/load-usage-refusals.ts";
import { recordReport } from "./record-report.ts";
import { agentWithAssignment } from "./test-fixtures.ts";
import { deployedWorkload, dropOutboxRows, h100Pool, orgWithAgent } from "../workloads/test-fixtures.ts";

// recordReport called directly: what it answers, and what it writes (engine-protocol.integration.test.ts
// covers the cumulative usage and late-report round trips).

afterAll(async () => {
  await commandWakeups().stop();
  await dropOutboxRows();
});

const at = () => new Date().toISOString();
const usd = async () => (await usageDollars.get()).values.reduce((sum, v) => sum + v.value, 0);
const base = (over: Partial<TAssignmentReport> = {}): TAssignmentReport => ({
  epoch: 1,
  seq: 0,
  at: at(),
  state: "running",
  usage: [],
  ...over,
});

describe("recordReport progress", () => {
  it.each([
    { progress: { completed: 5, total: 100, unit: "chunks" }, requests: 10_000, done: 500, total: 10_000 },
    { progress: { completed: 5, total: 100, unit: "requests" }, requests: 10_000, done: 5, total: 100 },
    { progress: { completed: 5, total: 100, unit: "tokens" }, requests: 10_000, done: 5, total: 100 },
    { progress: { completed: 5, total: null, unit: "chunks" }, requests: 10_000, done: 5, total: 0 },
    { progress: { completed: 5, total: 100, unit: "chunks" }, requests: 0, done: 5, total: 100 },
  ] as const)(
    "$progress.completed/$progress.total $progress.unit on an assignment of $requests requests is $done/$total",
    async ({ progress, requests, done, total }) => {
      const { org, assignment } = await agentWithAssignment();
      await prisma.assignment.update({ where: { id: assignment.id }, data: { progressTotal: requests } });
      await recordReport(org.id, assignment.id, base({ progress: { ...progress } }));
      expect(await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).toMatchObject({
        progressDone: done,
        progressTotal: total,
      });
    },
  );

  it("a report without progress leaves the assignment's progress alone", async () => {
    const { org, assignment } = await agentWithAssignment();
    await prisma.assignment.update({ where: { id: assignment.id }, data: { progressDone: 7, progressTotal: 70 } });
    await recordReport(org.id, assignment.id, base());
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).toMatchObject({
      progressDone: 7,
      progressTotal: 70,
      lastSeq: 0,
    });
  });
});

describe("recordReport answers", () => {
  it("a first report is accepted, its replay is a duplicate, and a late one is accepted but moves no totals", async () => {
    const { org, assignment } = await agentWithAssignment();
    const usage = (costUsd: number) => [{ component: "spot" as const, gpuType: "H100-SXM", seconds: 60, costUsd }];
    const first = base({ seq: 0, progress: { completed: 10, total: 100, unit: "requests" }, usage: usage(1) });
    await expect(recordReport(org.id, assignment.id, first)).resolves.toEqual({ accepted: true, duplicate: false });
    await expect(recordReport(org.id, assignment.id, first)).resolves.toEqual({ accepted: true, duplicate: true });
    await recordReport(org.id, assignment.id, {
      ...first,
      seq: 2,
      progress: { completed: 30, total: 100, unit: "requests" },
      usage: usage(3),
    });
    const late = {
      ...first,
      seq: 1,
      state: "paused" as const,
      progress: { completed: 20, total: 100, unit: "requests" as const },
      usage: usage(2),
    };
    await expect(recordReport(org.id, assignment.id, late)).resolves.toEqual({ accepted: true, duplicate: false });
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).toMatchObject({
      lastSeq: 2,
      state: "running",
      progressDone: 30,
      costUsd: 3,
    });
    // Kept for the record, but no usage taken from it.
    expect(await prisma.assignmentReport.count({ where: { assignmentId: assignment.id } })).toBe(3);
    expect(await prisma.usageRecord.count({ where: { assignmentId: assignment.id } })).toBe(2);
  });

  it("after the epoch rises (a fenced job being stopped), reports count from seq 0 again, add only the usage beyond what was counted, and can end the assignment but not revive it", async () => {
    // The agent starts its report sequence again under a new epoch (handle-command.ts) and the engine
    // job is the same one, so its usage stays cumulative across the fence.
    const { org, assignment } = await agentWithAssignment();
    const usage = (costUsd: number) => [{ component: "spot" as const, gpuType: "H100-SXM", seconds: 60, costUsd }];
    const progress = (completed: number) => ({ completed, total: 100, unit: "requests" as const });
    for (const seq of [0, 1, 2, 3])
      await recordReport(org.id, assignment.id, base({ seq, usage: usage(seq + 1), progress: progress(seq * 10) }));
    await prisma.assignment.update({ where: { id: assignment.id }, data: { epoch: { increment: 1 }, state: "lost" } });
    const row = () => prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } });

    await recordReport(org.id, assignment.id, base({ epoch: 2, seq: 0, state: "stopping", usage: usage(4.5) }));
    expect(await row()).toMatchObject({ lastSeq: 0, state: "lost", costUsd: 4.5 });
    for (const seq of [1, 2, 4])
      await recordReport(
        org.id,
        assignment.id,
        base({ epoch: 2, seq, state: "running", usage: usage(4.5 + seq / 10), progress: progress(90) }),
      );
    expect(await row()).toMatchObject({ lastSeq: 4, state: "lost", progressDone: 30 });
    // Inside the new epoch a lower seq is late again: kept, and it moves nothing.
    await recordReport(org.id, assignment.id, base({ epoch: 2, seq: 3, state: "stopped", usage: usage(9) }));
    expect(await row()).toMatchObject({ lastSeq: 4, state: "lost" });
    expect((await row()).costUsd).toBeCloseTo(4.9);
    await recordReport(org.id, assignment.id, base({ epoch: 2, seq: 5, state: "stopped", usage: usage(5) }));
    expect(await row()).toMatchObject({ lastSeq: 5, state: "stopped", costUsd: 5, progressDone: 30 });
    const recorded = await prisma.usageRecord.aggregate({
      where: { assignmentId: assignment.id },
      _sum: { costUsd: true },
    });
    expect(recorded._sum.costUsd).toBeCloseTo(5);
  });

  it("the cost added (and counted in koi_usage_dollars) is the sum of the report's usage deltas over its components", async () => {
    const { org, assignment } = await agentWithAssignment();
    const dollars = await usd();
    await recordReport(
      org.id,
      assignment.id,
      base({
        usage: [
          { component: "spot", gpuType: "H100-SXM", seconds: 60, costUsd: 1.5 },
          { component: "router", seconds: 60, costUsd: 0.25 },
        ],
      }),
    );
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).costUsd).toBeCloseTo(1.75);
    expect((await usd()) - dollars).toBeCloseTo(1.75);
  });

  it("another org's assignment and an unknown one are NOT_FOUND, with nothing written", async () => {
    const { assignment } = await agentWithAssignment();
    const other = await createTestOrg();
    for (const [orgId, id] of [
      [other.id, assignment.id],
      [assignment.orgId, "no-such-assignment"],
    ] as const) {
      await expect(recordReport(orgId, id, base())).rejects.toMatchObject({
        code: "NOT_FOUND",
        message: "No such assignment.",
      });
    }
    expect(await prisma.assignmentReport.count({ where: { assignmentId: assignment.id } })).toBe(0);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).lastSeq).toBe(-1);
  });

  it("another org's workload assignment is NOT_FOUND and its workload is untouched", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const { workload, assignment } = await deployedWorkload(org.id, agentId);
    const other = await createTestOrg();
    await expect(
      recordReport(other.id, assignment.id, base({ progress: { completed: 10, total: 100, unit: "requests" } })),
    ).rejects.toMatchObject({ code: "NOT_FOUND", message: "No such assignment." });
    expect((await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } })).progressDone).toBe(0);
  });

  it("a stale epoch is a CONFLICT (stale_epoch) saying both epochs, with nothing written", async () => {
    const { org, assignment } = await agentWithAssignment();
    await prisma.assignment.update({ where: { id: assignment.id }, data: { epoch: 2 } });
    await expect(recordReport(org.id, assignment.id, base({ epoch: 1 }))).rejects.toMatchObject({
      code: "CONFLICT",
      publicCode: "stale_epoch",
      message: "Stale epoch 1; the assignment is at epoch 2.",
    });
    expect(await prisma.assignmentReport.count({ where: { assignmentId: assignment.id } })).toBe(0);
  });

  it("an epoch ahead of the assignment's is a BAD_REQUEST saying both epochs, with nothing written", async () => {
    const { org, assignment } = await agentWithAssignment();
    await expect(
      recordReport(
        org.id,
        assignment.id,
        base({ epoch: 3, usage: [{ component: "spot", gpuType: "H100-SXM", seconds: 60, costUsd: 1 }] }),
      ),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "Unknown epoch 3; the assignment is at epoch 1." });
    expect(await prisma.assignmentReport.count({ where: { assignmentId: assignment.id } })).toBe(0);
    expect(await prisma.usageRecord.count({ where: { assignmentId: assignment.id } })).toBe(0);
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).toMatchObject({
      lastSeq: -1,
      costUsd: 0,
    });
  });
});

const sample: TOnlineSample = {
  t: "2026-03-01T12:00:00.000Z",
  intervalSeconds: 60,
  requestsPerSecond: 12,
  inputTokensPerSecond: 1200,
  outputTokensPerSecond: 300,
  ttftP95Ms: 250,
  tpotP95Ms: 20,
  e2eP95Ms: 4000,
  running: 8,
  waiting: 1,
  kvCacheUsage: 0.4,
  pctSpot: 50,
  rejected: 0,
  spotReplicas: 1,
  serverlessConcurrency: null,
  scrapeErrors: [],
};

describe("recordReport on a workload", () => {
  it("an online sample is stored for a workload's assignment, its cost per hour from the report's usage deltas", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const { workload, assignment } = await deployedWorkload(org.id, agentId);
    const plain = await agentWithAssignment();
    const online = base({
      online: sample,
      usage: [
        { component: "spot", gpuType: "H100-SXM", seconds: 60, costUsd: 1.5 },
        { component: "router", seconds: 60, costUsd: 0.25 },
      ],
    });
    await recordReport(org.id, assignment.id, online);
    // An assignment of no workload has no service to chart.
    await recordReport(plain.org.id, plain.assignment.id, online);
    const rows = await prisma.onlineSample.findMany({
      where: { assignmentId: { in: [assignment.id, plain.assignment.id] } },
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      orgId: org.id,
      workloadId: workload.id,
      assignmentId: assignment.id,
      engineAt: new Date(sample.t),
      requestsPerSecond: 12,
    });
    expect(rows[0]!.costPerHour).toBeCloseTo((1.75 / 60) * 3600);
  });

  it("a lost assignment's reports add their cost to the workload but chart nothing, move no progress, start nothing and ask for nothing", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const { workload, assignment } = await deployedWorkload(org.id, agentId);
    // A replan fenced the assignment before the engine reported it started.
    await prisma.workload.update({ where: { id: workload.id }, data: { status: "DISPATCHING", startedAt: null } });
    const fenced = await prisma.assignment.update({
      where: { id: assignment.id },
      data: { epoch: { increment: 1 }, state: "lost" },
    });
    for (const [seq, state] of [
      [0, "running"],
      [1, "completed"],
    ] as const)
      await recordReport(
        org.id,
        assignment.id,
        base({
          epoch: fenced.epoch,
          seq,
          state,
          online: sample,
          progress: { completed: 100 * (seq + 1), total: 1000, unit: "requests" },
          usage: [{ component: "on-demand", gpuType: "H100-SXM", seconds: 60, costUsd: seq + 1 }],
        }),
      );
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } })).toMatchObject({
      status: "DISPATCHING",
      startedAt: null,
      progressDone: 0,
      costUsd: 2,
    });
    expect(await prisma.onlineSample.count({ where: { assignmentId: assignment.id } })).toBe(0);
    expect(await prisma.outboxEvent.count({ where: { orgId: org.id, jobName: "complete-workload" } })).toBe(0);
  });

  it("reports of two assignments of one workload, applied at once, both count in the workload's totals", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const { workload, assignment: first } = await deployedWorkload(org.id, agentId);
    const second = await prisma.assignment.create({
      data: { orgId: org.id, agentId, workloadId: workload.id, state: "running" },
    });
    const report = (completed: number, costUsd: number) =>
      base({
        progress: { completed, total: 1000, unit: "requests" },
        usage: [{ component: "on-demand", gpuType: "H100-SXM", seconds: 60, costUsd }],
      });
    // Hold the workload row from a connection of its own, so both reports are in flight together;
    // release it once both wait on a lock (behind it, or behind each other).
    const holder = createPrismaClient(process.env.DATABASE_URL!);
    const { reports } = await holder
      .$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT id FROM "Workload" WHERE id = ${workload.id} FOR UPDATE`;
          const [{ pid }] = (await tx.$queryRaw`SELECT pg_backend_pid() AS pid`) as [{ pid: number }];
          const reports = Promise.allSettled([
            recordReport(org.id, first.id, report(100, 1)),
            recordReport(org.id, second.id, report(50, 2)),
          ]);
          await expect
            .poll(
              async () => {
                // From outside the transaction: pg_stat_activity is a snapshot within one.
                const [{ n }] = (await holder.$queryRaw`
                  SELECT count(*)::int AS n FROM pg_stat_activity a
                  WHERE ${pid}::int = ANY(pg_blocking_pids(a.pid))
                     OR EXISTS (SELECT 1 FROM unnest(pg_blocking_pids(a.pid)) b WHERE ${pid}::int = ANY(pg_blocking_pids(b)))`) as [
                  { n: number },
                ];
                return n;
              },
              { timeout: 4_000, interval: 20 },
            )
            .toBe(2);
          return { reports }; // not awaited here: they finish once this commits
        },
        { timeout: 10_000 },
      )
      .finally(() => holder.$disconnect());
    for (const r of await reports) expect(r.status).toBe("fulfilled");
    const after = await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } });
    expect(after.progressDone).toBe(150);
    expect(after.costUsd).toBeCloseTo(3);
  });
});

describe("recordReport usage that cannot be true", () => {
  // What the real Tuna router's nanosecond GPU time looked like to Koi before the agent read it right.
  const nanoseconds = { component: "serverless" as const, gpuType: "L40S", seconds: 6.08e12, costUsd: 2.8e9 };
  const spot = (seconds: number, costUsd: number) => ({
    component: "spot" as const,
    gpuType: "H100-SXM",
    seconds,
    costUsd,
  });

  it("bills the believable lines, applies the rest of the report, and says which line it refused and why", async () => {
    const { org, agentId, assignment } = await agentWithAssignment();
    const answer = await recordReport(
      org.id,
      assignment.id,
      base({ progress: { completed: 40, total: 100, unit: "requests" }, usage: [spot(60, 0.05), nanoseconds] }),
    );
    expect(answer).toEqual({
      accepted: true,
      duplicate: false,
      usageRefused: [
        {
          component: "serverless",
          gpuType: "L40S",
          reason: expect.stringMatching(
            /^6,080,000,000,000 serverless seconds within 6\d\d s of the assignment's start is more than 64 GPUs/,
          ),
        },
      ],
    });
    const row = await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } });
    expect(row).toMatchObject({ progressDone: 40, lastSeq: 0 });
    expect(row.costUsd).toBeCloseTo(0.05);
    const billed = await prisma.usageRecord.findMany({ where: { assignmentId: assignment.id } });
    expect(billed.map((u) => u.component)).toEqual(["spot"]);
    const audit = await prisma.auditEvent.findMany({ where: { orgId: org.id, action: "usage.refused" } });
    expect(audit).toMatchObject([
      { targetType: "assignment", targetId: assignment.id, data: { agentId, refused: [{ component: "serverless" }] } },
    ]);
  });

  it("answers a replay of a refused report (its first answer lost) with the same refusal, and bills nothing again", async () => {
    const { org, assignment } = await agentWithAssignment();
    const report = base({
      progress: { completed: 40, total: 100, unit: "requests" },
      usage: [spot(60, 0.05), nanoseconds],
    });
    const first = await recordReport(org.id, assignment.id, report);
    expect((first as { usageRefused?: unknown[] }).usageRefused).toHaveLength(1);
    const replay = await recordReport(org.id, assignment.id, report);
    expect(replay).toEqual({
      accepted: true,
      duplicate: true,
      usageRefused: (first as { usageRefused: unknown }).usageRefused,
    });
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).costUsd).toBeCloseTo(0.05);
    // A believable report replays as a plain duplicate.
    const next = base({ seq: 1, usage: [spot(120, 0.1)] });
    await recordReport(org.id, assignment.id, next);
    expect(await recordReport(org.id, assignment.id, next)).toEqual({ accepted: true, duplicate: true });
  });

  it("keeps a refused line's counter at the last figure billed, so believable figures later bill only what is new", async () => {
    const { org, assignment } = await agentWithAssignment();
    await recordReport(org.id, assignment.id, base({ seq: 0, usage: [spot(60, 0.05)] }));
    await recordReport(org.id, assignment.id, base({ seq: 1, usage: [spot(9e12, 0.1)] }));
    await recordReport(org.id, assignment.id, base({ seq: 2, usage: [spot(180, 0.15)] }));
    const row = await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } });
    expect(row.costUsd).toBeCloseTo(0.15);
    const seconds = await prisma.usageRecord.aggregate({
      where: { assignmentId: assignment.id },
      _sum: { seconds: true },
    });
    expect(seconds._sum.seconds).toBe(180);
  });

  it("a counter that keeps falling and rising (each a 'restart') cannot bill more than the GPUs could run", async () => {
    const { org, assignment } = await agentWithAssignment();
    // 64 GPUs (no pools declared) × about 600 s (the clock margin) ≈ 38,400 GPU-seconds in all.
    const near = 38_000;
    for (let seq = 0; seq < 6; seq++)
      await recordReport(org.id, assignment.id, base({ seq, usage: [spot(seq % 2 ? near - 1 : near, 0)] }));
    const billed = await prisma.usageRecord.aggregate({
      where: { assignmentId: assignment.id },
      _sum: { seconds: true },
    });
    expect(billed._sum.seconds).toBe(near);
    const tally = await prisma.usageRefusal.aggregate({
      where: { assignmentId: assignment.id },
      _sum: { reports: true },
    });
    expect(tally._sum.reports).toBe(3);
  });

  it("an agent refused on every report is audited once in the hour, and the Costs page counts every report", async () => {
    const { org, agentId, assignment } = await agentWithAssignment();
    for (let seq = 0; seq < 5; seq++)
      await recordReport(org.id, assignment.id, base({ seq, usage: [spot(9e12 * (seq + 1), 0.1)] }));

    // One audit per hour the reports fell in (one, unless the test ran across an hour's end).
    const hours = await prisma.usageRefusal.count({ where: { assignmentId: assignment.id } });
    expect(hours).toBeLessThanOrEqual(2);
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: "usage.refused" } })).toBe(hours);
    const day = 86_400_000;
    await expect(loadUsageRefusals(org.id, new Date(Date.now() - day), new Date(Date.now() + 1000))).resolves.toEqual({
      reports: 5,
      latest: {
        at: expect.any(Date),
        agent: { id: agentId, label: expect.stringContaining("agent on") },
        reason: expect.stringContaining("45,000,000,000,000 spot seconds"),
      },
    });
    // Another organisation sees none of it.
    const other = await createTestOrg();
    await expect(loadUsageRefusals(other.id, new Date(Date.now() - day), new Date())).resolves.toEqual({
      reports: 0,
      latest: null,
    });
  });

  it("refuses a price per GPU-hour beyond any cloud's, and allows a dearer one the agent's pools declare", async () => {
    const { org, agentId, assignment } = await agentWithAssignment();
    const dear = spot(3600, 500);
    await expect(recordReport(org.id, assignment.id, base({ seq: 0, usage: [dear] }))).resolves.toMatchObject({
      usageRefused: [{ reason: "$500 for 3,600 spot seconds is more than $100 per GPU-hour" }],
    });
    const agent = await prisma.agent.findUniqueOrThrow({ where: { id: agentId } });
    await prisma.gpuPool.create({
      data: {
        orgId: org.id,
        clusterId: agent.clusterId,
        agentId,
        externalId: "on-prem:dear",
        gpuType: "H100-SXM",
        market: "on-demand",
        total: 8,
        available: 8,
        pricePerGpuHour: 300,
      },
    });
    await expect(recordReport(org.id, assignment.id, base({ seq: 1, usage: [dear] }))).resolves.toEqual({
      accepted: true,
      duplicate: false,
    });
  });
});
