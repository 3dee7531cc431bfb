import { afterAll, describe, expect, it, vi } from "vitest";
import type { TGpuPool } from "@koi/contracts/agent/heartbeat";
import type { TAssignmentReport } from "@koi/contracts/agent/reports";
import { forecastFinish, type TFinishForecast, type TProgressSample } from "@koi/planner";
import { prisma, type Assignment, type Prisma, type Workload } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { decisions, forecasts } from "@koi/core/metrics/koi-metrics";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { recordHeartbeat } from "../agents/record-heartbeat.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { recordWakeupsPerTest, registration } from "../agents/test-fixtures.ts";
import { forecastWorkload, forecastWorkloads } from "./forecast-workload.ts";
import type { TPlacementRecord } from "./read-stored-json.ts";
import { a100Pool, batchSubmission, h100Pool } from "./test-fixtures.ts";

// forecastWorkload called directly on rows set up in exactly the state each rule reads (workload,
// assignments, report rows, scale Decisions and Commands), at a fixed clock, so every forecast is
// checked against the value the rule must produce rather than a range.

// The agents each call wakes after commit (its `wake` list), heard on the wake-up channel.
const wakeups = recordWakeupsPerTest();

// The sweep visits every RUNNING workload of the shared database: it runs the real loop, but hands
// only this file's workloads to forecastWorkload, so earlier files' leftovers get no forecasts,
// Commands or notifications from it.
const sweepable = vi.hoisted(() => new Set<string>());
vi.mock("./for-each-running-workload.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("./for-each-running-workload.ts")>();
  return {
    forEachRunningWorkload: <T>(kind: "batch" | "online", each: (id: string) => Promise<T>) =>
      real.forEachRunningWorkload(kind, async (id) => (sweepable.has(id) ? each(id) : (null as T))),
  };
});

const orgIds: string[] = [];
afterAll(async () => {
  // No worker relays these rows here; later test files count the shared database's outbox.
  await prisma.outboxEvent.deleteMany({ where: { orgId: { in: orgIds }, publishedAt: null } });
  await commandWakeups().stop();
});

const T = new Date("2026-11-02T12:00:00.000Z");
const at = (seconds: number) => new Date(T.getTime() + seconds * 1000);
const secondsOf = (d: Date) => d.getTime() / 1000;
const TOTAL = 20_000;
/** batchSubmission's requests: 1,000 input + 300 output tokens. */
const TOKENS_PER_REQUEST = 1_300;

async function newOrg() {
  const org = await createTestOrg();
  orgIds.push(org.id);
  return org;
}

/** A registered ONLINE agent reporting `pools`; returns its id and its GpuPool ids by pool name. */
async function addAgent(orgId: string, pools: TGpuPool[] = []) {
  const { agentId } = await registerAgent(orgId, "key_test", registration());
  if (pools.length) await recordHeartbeat(orgId, agentId, { inventory: { pools }, assignments: [] });
  const rows = await prisma.gpuPool.findMany({ where: { agentId } });
  return { agentId, poolId: Object.fromEntries(rows.map((p) => [p.externalId, p.id])) as Record<string, string> };
}

/** A RUNNING batch workload of 20,000 requests (8B model), due an hour after T unless told otherwise. */
async function addWorkload(orgId: string, over: Partial<Prisma.WorkloadUncheckedCreateInput> = {}) {
  const submission = batchSubmission();
  return prisma.workload.create({
    data: {
      orgId,
      name: "nightly-eval",
      kind: "batch",
      model: submission.model,
      spec: submission as unknown as Prisma.InputJsonValue,
      status: "RUNNING",
      statusDetail: "as it was",
      deadlineAt: at(3600),
      progressTotal: TOTAL,
      engine: "orca",
      startedAt: at(-3600),
      ...over,
    },
  });
}

/** One replica group on `poolId`: by default one TP-1 H100 replica the model puts at 1 request/s. */
function placement(poolId: string, agentId: string, over: Partial<TPlacementRecord> = {}): TPlacementRecord {
  const replicas = over.replicas ?? 1;
  const tp = over.tp ?? 1;
  const pp = over.pp ?? 1;
  return {
    poolId,
    agentId,
    gpuType: "H100-SXM",
    market: "on-demand",
    tp,
    pp,
    replicas,
    gpus: replicas * tp * pp,
    predictedTps: TOKENS_PER_REQUEST,
    rawPredictedTps: TOKENS_PER_REQUEST,
    replicaCostPerHour: 6.88 * tp * pp,
    ...over,
  };
}

async function addAssignment(
  w: Workload,
  agentId: string,
  where: TPlacementRecord,
  over: Partial<Prisma.AssignmentUncheckedCreateInput> = {},
) {
  return prisma.assignment.create({
    data: {
      orgId: w.orgId,
      agentId,
      workloadId: w.id,
      state: "running",
      progressTotal: TOTAL,
      placement: where as unknown as Prisma.InputJsonValue,
      createdAt: at(-3600),
      ...over,
    },
  });
}

type TRow = {
  seq: number;
  at: Date;
  /** Omitted: a report without progress. */
  progress?: TAssignmentReport["progress"];
  outputTokensPerSecond?: number;
  epoch?: number;
};

/** Report rows as recordReport stores them (the row's `at` is the one the forecast reads). */
async function addReports(a: Assignment, rows: TRow[]) {
  await prisma.assignmentReport.createMany({
    data: rows.map((r) => {
      const data: TAssignmentReport = {
        epoch: r.epoch ?? a.epoch,
        seq: r.seq,
        at: r.at.toISOString(),
        state: "running",
        ...(r.progress ? { progress: r.progress } : {}),
        ...(r.outputTokensPerSecond !== undefined
          ? {
              throughput: {
                tokensPerSecond: r.outputTokensPerSecond * 4,
                outputTokensPerSecond: r.outputTokensPerSecond,
              },
            }
          : {}),
        usage: [],
      };
      return {
        orgId: a.orgId,
        assignmentId: a.id,
        epoch: data.epoch,
        seq: r.seq,
        at: r.at,
        data: data as unknown as Prisma.InputJsonValue,
      };
    }),
  });
}

/** `count` request-count reports every 60 s, the last one 60 s before T, `perMinute` requests apart. */
function steady(perMinute: number, count = 10, over: { start?: number; firstSeq?: number; end?: number } = {}): TRow[] {
  const end = over.end ?? -60;
  return Array.from({ length: count }, (_, i) => ({
    seq: (over.firstSeq ?? 0) + i,
    at: at(end - (count - 1 - i) * 60),
    progress: { completed: (over.start ?? 0) + i * perMinute, total: TOTAL, unit: "requests" as const },
  }));
}

/** The samples the forecast must build from `rows` of request counts: base added, capped at the total. */
function samplesOf(rows: TRow[], base = 0, total = TOTAL): TProgressSample[] {
  return rows.map((r) => ({ t: secondsOf(r.at), completed: Math.min(total, base + r.progress!.completed), total }));
}

function expected(
  samples: TProgressSample[],
  modelledRate: number,
  opts: { deadline?: Date; now?: Date; sinceT?: number } = {},
): TFinishForecast {
  return forecastFinish({
    samples,
    modelledRate,
    deadline: secondsOf(opts.deadline ?? at(3600)),
    now: secondsOf(opts.now ?? T),
    ...(opts.sinceT !== undefined ? { sinceT: opts.sinceT } : {}),
  });
}

const iso = (s: number) => new Date(s * 1000).toISOString();

/** The workload's forecast JSON and its one ForecastPoint hold exactly `f` (at `now`, newest sample `completed`). */
async function expectStored(w: Workload, f: TFinishForecast, completed: number, now = T, total = TOTAL) {
  const stored = await prisma.workload.findUniqueOrThrow({ where: { id: w.id } });
  expect(stored.forecast).toEqual({
    p10: iso(f.finish.p10),
    p50: iso(f.finish.p50),
    p90: iso(f.finish.p90),
    missProbability: f.missProbability,
    explanation: f.explanation,
  });
  const points = await prisma.forecastPoint.findMany({ where: { workloadId: w.id } });
  expect(points.map(({ id: _id, createdAt: _createdAt, ...p }) => p)).toEqual([
    {
      orgId: w.orgId,
      workloadId: w.id,
      at: now,
      completed,
      total,
      p10: new Date(iso(f.finish.p10)),
      p50: new Date(iso(f.finish.p50)),
      p90: new Date(iso(f.finish.p90)),
      missProbability: f.missProbability,
    },
  ]);
  return stored;
}

const reload = (id: string) => prisma.workload.findUniqueOrThrow({ where: { id } });
const outboxOf = (w: Workload) => prisma.outboxEvent.findMany({ where: { orgId: w.orgId } });

const decisionsOf = (w: Workload) =>
  prisma.decision.findMany({ where: { workloadId: w.id }, orderBy: { createdAt: "asc" } });
const commandsOf = (a: Assignment) =>
  prisma.command.findMany({ where: { assignmentId: a.id }, orderBy: { createdAt: "asc" } });
const forecastsCounted = async (health: string) =>
  (await forecasts.get()).values.find((v) => v.labels.health === health)?.value ?? 0;
const decisionsCounted = async (kind: string) =>
  (await decisions.get()).values.find((v) => v.labels.kind === kind)?.value ?? 0;

/**
 * An org whose one agent reports `pools` (by default a single H100, which the workload's one
 * replica fills), and a RUNNING workload whose live assignment runs on the first pool with `reports`.
 */
async function running(
  opts: {
    pools?: TGpuPool[];
    placement?: Partial<TPlacementRecord>;
    workload?: Partial<Prisma.WorkloadUncheckedCreateInput>;
    assignment?: Partial<Prisma.AssignmentUncheckedCreateInput>;
    reports?: TRow[];
  } = {},
) {
  const org = await newOrg();
  const pools = opts.pools ?? [h100Pool(1, "h100")];
  const { agentId, poolId } = await addAgent(org.id, pools);
  const w = await addWorkload(org.id, opts.workload);
  const a = await addAssignment(w, agentId, placement(poolId[pools[0]!.id]!, agentId, opts.placement), opts.assignment);
  await addReports(a, opts.reports ?? steady(30));
  return { org, agentId, poolId, w, a };
}

const skipped = (w: { id: string }) => ({ workloadId: w.id, status: "skipped", action: "none" });

/** Nothing was written: no ForecastPoint, the workload's health and forecast as they were. */
async function expectUntouched(w: Workload) {
  expect(await prisma.forecastPoint.count({ where: { workloadId: w.id } })).toBe(0);
  expect(await reload(w.id)).toMatchObject({ health: "UNKNOWN", forecast: {}, statusDetail: "as it was" });
}

describe("forecastWorkload skips", () => {
  it("forecasts the rows the skip tests start from (so each skip below is the one change it makes)", async () => {
    const { w } = await running();
    expect(await forecastWorkload(w.id, T)).toEqual({ workloadId: w.id, status: "at-risk", action: "none" });
  });

  it("a workload that does not exist", async () => {
    expect(await forecastWorkload("no-such-workload", T)).toEqual(skipped({ id: "no-such-workload" }));
  });

  it.each(["PENDING", "PLANNING", "DISPATCHING", "PAUSED", "COMPLETED", "FAILED", "CANCELLED"] as const)(
    "a %s workload, though its assignment reports progress",
    async (status) => {
      const { w } = await running({ workload: { status } });
      expect(await forecastWorkload(w.id, T)).toEqual(skipped(w));
      await expectUntouched(w);
    },
  );

  it("an online workload (its SLOs are planned elsewhere), even one with a deadline", async () => {
    const { w } = await running({ workload: { kind: "online" } });
    expect(await forecastWorkload(w.id, T)).toEqual(skipped(w));
    await expectUntouched(w);
  });

  it("a batch workload without a deadline", async () => {
    const { w } = await running({ workload: { deadlineAt: null } });
    expect(await forecastWorkload(w.id, T)).toEqual(skipped(w));
    await expectUntouched(w);
  });

  it.each(["completed", "failed", "stopped", "lost", "paused"])(
    "a workload whose only assignment is %s (it holds no GPUs)",
    async (state) => {
      const { w } = await running({ assignment: { state } });
      expect(await forecastWorkload(w.id, T)).toEqual(skipped(w));
      await expectUntouched(w);
    },
  );

  it("an assignment whose reports carry no progress", async () => {
    const { w } = await running({ reports: steady(30).map(({ progress: _progress, ...r }) => r) });
    expect(await forecastWorkload(w.id, T)).toEqual(skipped(w));
    await expectUntouched(w);
  });

  it("a workload of no requests (progressTotal 0)", async () => {
    const { w } = await running({ workload: { progressTotal: 0 } });
    expect(await forecastWorkload(w.id, T)).toEqual(skipped(w));
    await expectUntouched(w);
  });
});

describe("forecastWorkload's progress samples", () => {
  it("come from the newest assignment that holds GPUs, not an older live one nor newer paused or lost ones", async () => {
    const org = await newOrg();
    const { agentId } = await addAgent(org.id);
    const w = await addWorkload(org.id);
    const where = placement("pool-x", agentId);
    // Each assignment reports its own counts: the ForecastPoint says whose were read.
    const rowsByState = { running: 1_000, deploying: 2_000, paused: 3_000, lost: 4_000 } as const;
    const made: Record<string, Assignment> = {};
    let hoursAgo = 4;
    for (const [state, start] of Object.entries(rowsByState)) {
      made[state] = await addAssignment(w, agentId, where, { state, createdAt: at(-3600 * hoursAgo--) });
      await addReports(made[state]!, steady(60, 10, { start }));
    }

    expect(await forecastWorkload(w.id, T)).toMatchObject({ status: "at-risk" });
    await expectStored(w, expected(samplesOf(steady(60, 10, { start: 2_000 })), 1), 2_540);
  });

  it("are the current epoch's reports only, the 120 newest by seq", async () => {
    const { w, a } = await running({ assignment: { epoch: 2 }, reports: [] });
    // Epoch 2's 130 reports: ten fast ones first (they fall out of the window), then 0.5 request/s.
    const rows: TRow[] = Array.from({ length: 130 }, (_, i) => ({
      seq: i,
      at: at(-60 - (129 - i) * 60),
      progress: { completed: i < 10 ? i * 600 : 5_400 + (i - 9) * 30, total: TOTAL, unit: "requests" },
    }));
    await addReports(a, rows);
    // The fenced epoch 1 reported with higher seqs and counts, and later.
    await addReports(
      a,
      steady(500, 10, { firstSeq: 500, start: 10_000, end: -30 }).map((r) => ({ ...r, epoch: 1 })),
    );

    await forecastWorkload(w.id, T);
    await expectStored(w, expected(samplesOf(rows.slice(10)), 1), 9_000);
  });

  it("add what earlier assignments did to this one's counts, and never estimate between request counts", async () => {
    // The workload has 4,900 done, 900 of them by this assignment: 4,000 came before it.
    const rows: TRow[] = [
      { seq: 0, at: at(-300), progress: { completed: 0, total: TOTAL, unit: "requests" } },
      { seq: 1, at: at(-240), progress: { completed: 450, total: TOTAL, unit: "requests" } },
      // A count that did not move for a minute while the engine generated 1,500 tokens/s: an
      // engine that counts requests has counted them all, so nothing is added between counts.
      {
        seq: 2,
        at: at(-180),
        progress: { completed: 450, total: TOTAL, unit: "requests" },
        outputTokensPerSecond: 1_500,
      },
      {
        seq: 3,
        at: at(-120),
        progress: { completed: 900, total: TOTAL, unit: "requests" },
        outputTokensPerSecond: 1_500,
      },
    ];
    const { w } = await running({
      workload: { progressDone: 4_900 },
      assignment: { progressDone: 900 },
      reports: rows,
    });

    await forecastWorkload(w.id, T);
    await expectStored(w, expected(samplesOf(rows, 4_000), 1), 4_900);
  });

  it("add nothing when the assignment's count is ahead of the workload's (never a negative base)", async () => {
    const rows = steady(100);
    const { w } = await running({ workload: { progressDone: 300 }, assignment: { progressDone: 900 }, reports: rows });

    await forecastWorkload(w.id, T);
    await expectStored(w, expected(samplesOf(rows, 0), 1), 900);
  });

  it("are capped at the workload's total: a count past it is done, ON_TRACK, and nothing is scaled", async () => {
    const rows = steady(100);
    const { w } = await running({
      pools: [h100Pool(8, "h100")],
      workload: { progressDone: 19_950 },
      assignment: { progressDone: 0 },
      reports: rows,
    });

    expect(await forecastWorkload(w.id, T)).toEqual({ workloadId: w.id, status: "done", action: "none" });
    const f = expected(samplesOf(rows, 19_950), 1);
    expect(f).toMatchObject({ status: "done", missProbability: 0, finish: { p50: secondsOf(at(-60)) } });
    expect((await expectStored(w, f, TOTAL)).health).toBe("ON_TRACK");
    expect(await decisionsOf(w)).toEqual([]);
  });

  it("scale Orca's chunk counts to the assignment's requests and estimate the requests done since the last count", async () => {
    // A swap left 10,000 requests to this assignment in 100 chunks of 100; 10,000 were done before.
    // 300 output tokens a request: 1,500 output tokens/s is 5 requests/s, 600 is 2.
    const chunks = (seq: number, seconds: number, completed: number, outputTokensPerSecond?: number): TRow => ({
      seq,
      at: at(seconds),
      progress: { completed, total: 100, unit: "chunks" },
      ...(outputTokensPerSecond !== undefined ? { outputTokensPerSecond } : {}),
    });
    const rows = [
      chunks(0, -600, 0, 1_500), // the job just started: nothing yet
      chunks(1, -590, 0, 1_500), // 10 s at 5/s: 50 requests into the first chunk
      chunks(2, -570, 0, 1_500), // 30 s would be 150: capped at 95% of a chunk
      chunks(3, -560, 1, 1_500), // the count moved: exactly one chunk
      chunks(4, -550, 1), // no throughput reported: the count alone
      chunks(5, -545, 1, 600), // 15 s since the count at 2/s: 30 more
      chunks(6, -60, 5, 1_500), // the count moved again
    ];
    const { w } = await running({
      workload: { progressDone: 10_500 },
      assignment: { progressDone: 500, progressTotal: 10_000 },
      reports: rows,
    });

    await forecastWorkload(w.id, T);
    const done = [0, 50, 95, 100, 100, 130, 500];
    const samples = rows.map((r, i) => ({ t: secondsOf(r.at), completed: 10_000 + done[i]!, total: TOTAL }));
    await expectStored(w, expected(samples, 1), 10_500);
  });
});

describe("forecastWorkload's health and at-risk notification", () => {
  it("ON_TRACK: a job on pace with room to spare is neither notified about nor scaled, free GPUs or not", async () => {
    // Three replicas the model puts at 3 requests/s doing 3/s: 18,380 left need 6,127 s of the 7,660.
    const { w, a } = await running({
      pools: [h100Pool(8, "h100")],
      placement: { replicas: 3 },
      workload: { deadlineAt: at(7_600) },
      reports: steady(180),
    });
    const before = await forecastsCounted("on_track");

    expect(await forecastWorkload(w.id, T)).toEqual({ workloadId: w.id, status: "on-track", action: "none" });
    const f = expected(samplesOf(steady(180)), 3, { deadline: at(7_600) });
    expect(f.status).toBe("on-track");
    expect((await expectStored(w, f, 1_620)).health).toBe("ON_TRACK");
    expect(await forecastsCounted("on_track")).toBe(before + 1);
    expect(await outboxOf(w)).toEqual([]);
    expect(await decisionsOf(w)).toEqual([]);
    expect(await commandsOf(a)).toEqual([]);
  });

  it.each(["UNKNOWN", "ON_TRACK"] as const)(
    "AT_RISK from %s: one notify-org that quotes the forecast",
    async (health) => {
      // 0.5 requests/s where 19,730 left in 3,660 s need 5.4/s.
      const { w } = await running({ workload: { health } });
      const before = await forecastsCounted("at_risk");

      expect(await forecastWorkload(w.id, T)).toEqual({ workloadId: w.id, status: "at-risk", action: "none" });
      const f = expected(samplesOf(steady(30)), 1);
      expect((await expectStored(w, f, 270)).health).toBe("AT_RISK");
      expect(await forecastsCounted("at_risk")).toBe(before + 1);
      const rows = await outboxOf(w);
      expect(rows.map((r) => ({ jobName: r.jobName, jobId: r.jobId, payload: r.payload }))).toEqual([
        {
          jobName: "notify-org",
          jobId: `notify-slo_at_risk-${w.id}`,
          payload: {
            notificationKey: `slo_at_risk-${w.id}`,
            orgId: w.orgId,
            kind: "slo_at_risk",
            workloadId: w.id,
            message: `nightly-eval is at risk of missing its deadline: ${f.explanation}.`,
          },
        },
      ]);
    },
  );

  it.each(["AT_RISK", "LATE"] as const)("already %s: at risk again, and no second notification", async (health) => {
    const { w } = await running({ workload: { health } });

    expect(await forecastWorkload(w.id, T)).toMatchObject({ status: "at-risk" });
    expect((await reload(w.id)).health).toBe("AT_RISK");
    expect(await outboxOf(w)).toEqual([]);
  });

  it("LATE once the deadline has passed (and notified), AT_RISK at the deadline itself", async () => {
    const late = await running({ workload: { deadlineAt: new Date(T.getTime() - 1) } });
    const due = await running({ workload: { deadlineAt: T } });
    const lateBefore = await forecastsCounted("late");

    // Too late to add GPUs either way (they take 10 minutes to start): nothing is scaled.
    expect(await forecastWorkload(late.w.id, T)).toEqual({ workloadId: late.w.id, status: "at-risk", action: "none" });
    expect(await forecastWorkload(due.w.id, T)).toEqual({ workloadId: due.w.id, status: "at-risk", action: "none" });

    const f = expected(samplesOf(steady(30)), 1, { deadline: new Date(T.getTime() - 1) });
    expect((await expectStored(late.w, f, 270)).health).toBe("LATE");
    expect(await forecastsCounted("late")).toBe(lateBefore + 1);
    expect((await outboxOf(late.w)).map((r) => r.jobId)).toEqual([`notify-slo_at_risk-${late.w.id}`]);
    expect((await reload(due.w.id)).health).toBe("AT_RISK");
  });
});

/** A Decision of `kind` made at `createdAt` (by default a plan from one replica to one). */
function addScaleDecision(
  w: Workload,
  kind: string,
  createdAt: Date,
  plan: Record<string, unknown> = { from: 1, to: 1 },
) {
  return prisma.decision.create({
    data: {
      orgId: w.orgId,
      workloadId: w.id,
      kind,
      reason: "earlier",
      inputs: {},
      plan: plan as Prisma.InputJsonValue,
      createdAt,
    },
  });
}

/**
 * At risk (0.5 requests/s of the 5.4 needed) on one TP-2 H100 replica, in a pool of 7 H100s: its
 * own 2 and room for two more replicas.
 */
const roomToGrow = () => running({ pools: [h100Pool(7, "h100")], placement: { tp: 2 } });

describe("forecastWorkload scaling", () => {
  it("at risk with free GPUs in its own pool: scales up to what fits, as one Decision, Command and placement", async () => {
    const { w, a, agentId, poolId } = await roomToGrow();
    // A report without progress is no sample: the Decision counts the 10 samples, not 11 reports.
    await addReports(a, [{ seq: 10, at: at(-30) }]);
    const before = await decisionsCounted("scale_up");

    expect(await forecastWorkload(w.id, T)).toEqual({
      workloadId: w.id,
      status: "at-risk",
      action: "scale_up",
      wake: [agentId],
    });
    expect(await wakeups.take()).toEqual([agentId]);
    const f = expected(samplesOf(steady(30)), 1);
    await expectStored(w, f, 270);

    const next = placement(poolId.h100!, agentId, { tp: 2, replicas: 3, gpus: 6 });
    const [decision, ...others] = await decisionsOf(w);
    expect(others).toEqual([]);
    expect(decision).toMatchObject({
      orgId: w.orgId,
      kind: "scale_up",
      alternatives: [],
      plan: { from: 1, to: 3, placement: next },
      inputs: { at: T.toISOString(), samples: 10, assignmentId: a.id },
    });
    expect(decision!.reason).toMatch(new RegExp(`^${literal(f.explanation)} → \\+4 H100-SXM → `));
    expect((decision!.inputs as { forecast: TFinishForecast }).forecast).toMatchObject({
      status: "at-risk",
      explanation: f.explanation,
    });
    expect((decision!.inputs as { free: { pools: { id: string; available: number }[] } }).free.pools).toMatchObject([
      { id: poolId.h100, available: 5 },
    ]);
    expect(await decisionsCounted("scale_up")).toBe(before + 1);
    expect(
      (await commandsOf(a)).map((c) => ({ agentId: c.agentId, type: c.type, payload: c.payload, epoch: c.epoch })),
    ).toEqual([{ agentId, type: "scale", payload: { count: 3 }, epoch: 1 }]);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: a.id } })).placement).toEqual(next);
    expect((await reload(w.id)).statusDetail).toBe(
      `Scaled up from 1 to 3 replicas at 12:00 UTC; forecast then: ${decision!.reason}`,
    );
  });

  it("at risk on TP2 × PP2 replicas: adds replicas of that shape and records 4 GPUs for each", async () => {
    // Pipeline stages run only on a pool of machines: three 4-GPU machines, one of them the
    // workload's one TP2 × PP2 replica. Counting TP alone would record 2 GPUs a replica, and the
    // planner would take the GPUs the PP job holds as free.
    const { w, a, agentId, poolId } = await running({
      pools: [{ ...h100Pool(12, "h100"), shape: { gpusPerMachine: 4 } }],
      placement: { tp: 2, pp: 2 },
    });

    expect(await forecastWorkload(w.id, T)).toMatchObject({ status: "at-risk", action: "scale_up" });
    const next = placement(poolId.h100!, agentId, { tp: 2, pp: 2, replicas: 3, gpus: 12 });
    const [decision] = await decisionsOf(w);
    expect(decision).toMatchObject({ kind: "scale_up", plan: { from: 1, to: 3, placement: next } });
    expect((decision!.inputs as { free: { pools: { id: string; available: number }[] } }).free.pools).toMatchObject([
      { id: poolId.h100, available: 8 },
    ]);
    expect((await commandsOf(a)).map((c) => [c.type, c.payload])).toEqual([["scale", { count: 3 }]]);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: a.id } })).placement).toEqual(next);
  });

  it("far ahead: scales down to the one replica that still finishes with margin, never to none", async () => {
    // Three TP-2 replicas doing 3 requests/s with ten hours to go: one replica alone needs 5 hours.
    const { w, a, agentId, poolId } = await running({
      pools: [h100Pool(8, "h100")],
      placement: { tp: 2, replicas: 3 },
      workload: { deadlineAt: at(36_000) },
      reports: steady(180),
    });

    expect(await forecastWorkload(w.id, T)).toEqual({
      workloadId: w.id,
      status: "ahead",
      action: "scale_down",
      wake: [agentId],
    });
    const next = placement(poolId.h100!, agentId, { tp: 2, replicas: 1, gpus: 2 });
    const [decision] = await decisionsOf(w);
    expect(decision).toMatchObject({ kind: "scale_down", plan: { from: 3, to: 1, placement: next } });
    expect((await commandsOf(a)).map((c) => [c.type, c.payload])).toEqual([["scale", { count: 1 }]]);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: a.id } })).placement).toEqual(next);
    expect((await reload(w.id)).statusDetail).toBe(
      `Scaled down from 3 to 1 replicas at 12:00 UTC; forecast then: ${decision!.reason}`,
    );
  });

  it("far ahead: scales down only the replicas it can spare, keeping two of three", async () => {
    // Three TP-2 replicas doing 3 requests/s with 18,380 left and 12,000 s to go: 1.1 × 18,380 ÷ 12,000
    // = 1.68 requests/s are needed, which two replicas (2/s) give and one (1/s) does not.
    const { w, a, agentId, poolId } = await running({
      pools: [h100Pool(8, "h100")],
      placement: { tp: 2, replicas: 3 },
      workload: { deadlineAt: at(12_000) },
      reports: steady(180),
    });

    expect(await forecastWorkload(w.id, T)).toMatchObject({ status: "ahead", action: "scale_down" });
    const next = placement(poolId.h100!, agentId, { tp: 2, replicas: 2, gpus: 4 });
    const [decision, ...others] = await decisionsOf(w);
    expect(others).toEqual([]);
    expect(decision).toMatchObject({ kind: "scale_down", plan: { from: 3, to: 2, placement: next } });
    expect((await commandsOf(a)).map((c) => [c.type, c.payload])).toEqual([["scale", { count: 2 }]]);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: a.id } })).placement).toEqual(next);
  });

  it("far ahead: keeps a replica whose removal would leave the rate's lower 90% bound short of the deadline", async () => {
    // Three replicas doing 3 requests/s. The deadline is set where two replicas' mean rate (2/s)
    // would finish 18,380 requests with 10% margin, but their rate's lower 90% bound (mean − 1.28 sd)
    // would not: the forecast's rate sd, in the same units as its mean, decides it and nothing is removed.
    const rows = steady(180);
    const rate = expected(samplesOf(rows), 3).rate;
    const lowerRatio = (rate.mean - 1.2816 * rate.sd) / rate.mean;
    expect(lowerRatio).toBeLessThan(1);
    const needed = ((2 / 3) * rate.mean * (1 + lowerRatio)) / 2;
    const left = ((TOTAL - 1_620) * 1.1) / needed;
    const { w, a } = await running({
      pools: [h100Pool(8, "h100")],
      placement: { tp: 2, replicas: 3 },
      workload: { deadlineAt: at(left) },
      reports: rows,
    });

    expect(await forecastWorkload(w.id, T)).toEqual({ workloadId: w.id, status: "ahead", action: "none" });
    expect(await decisionsOf(w)).toEqual([]);
    expect(await commandsOf(a)).toEqual([]);
  });

  it("far ahead on one replica: holds, and does not swap though another pool is free", async () => {
    const { w, a, org } = await running({
      placement: { replicas: 1 },
      workload: { deadlineAt: at(72_000) },
      reports: steady(60),
    });
    await addAgent(org.id, [a100Pool(64)]);

    expect(await forecastWorkload(w.id, T)).toEqual({ workloadId: w.id, status: "ahead", action: "none" });
    expect(await decisionsOf(w)).toEqual([]);
    expect(await commandsOf(a)).toEqual([]);
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({
      state: "running",
      epoch: 1,
    });
  });

  it.each([
    ["scale_up", 59_999, "none"],
    ["scale_down", 59_999, "none"],
    ["swap", 59_999, "none"],
    ["scale_up", 60_000, "scale_up"],
    ["replan", 1, "scale_up"],
  ] as const)(
    "a %s Decision %i ms ago → %s (a 60 s cooldown after scale decisions only)",
    async (kind, ago, action) => {
      const { w, a } = await roomToGrow();
      await addScaleDecision(w, kind, new Date(T.getTime() - ago));

      expect(await forecastWorkload(w.id, T)).toMatchObject({ status: "at-risk", action });
      expect((await commandsOf(a)).length).toBe(action === "none" ? 0 : 1);
      expect(await prisma.decision.count({ where: { workloadId: w.id } })).toBe(action === "none" ? 1 : 2);
    },
  );

  it("the newest of several scale Decisions sets the cooldown", async () => {
    const { w, a } = await roomToGrow();
    await addScaleDecision(w, "scale_up", at(-600));
    await addScaleDecision(w, "scale_down", at(-30));

    expect(await forecastWorkload(w.id, T)).toMatchObject({ status: "at-risk", action: "none" });
    expect(await commandsOf(a)).toEqual([]);
  });

  it.each([
    ["PENDING", "none"],
    ["LEASED", "none"],
    ["ACCEPTED", "scale_up"],
    ["COMPLETED", "scale_up"],
  ] as const)("a scale Command of the assignment %s → %s (one scale in flight at a time)", async (status, action) => {
    const { w, a, agentId } = await roomToGrow();
    await prisma.command.create({
      data: { orgId: w.orgId, agentId, assignmentId: a.id, type: "scale", payload: { count: 2 }, epoch: 1, status },
    });

    expect(await forecastWorkload(w.id, T)).toMatchObject({ status: "at-risk", action });
    expect(await prisma.command.count({ where: { assignmentId: a.id } })).toBe(action === "none" ? 1 : 2);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: a.id } })).placement).toMatchObject({
      replicas: action === "none" ? 1 : 3,
    });
  });

  it("other pending Commands do not hold a scale: another type, or another assignment's scale", async () => {
    const { w, a, agentId } = await roomToGrow();
    const old = await addAssignment(w, agentId, placement("pool-x", agentId), { state: "lost", createdAt: at(-7200) });
    const pending = { orgId: w.orgId, agentId, payload: {}, epoch: 1, status: "PENDING" } as const;
    await prisma.command.create({ data: { ...pending, assignmentId: old.id, type: "scale", payload: { count: 2 } } });
    await prisma.command.create({ data: { ...pending, assignmentId: a.id, type: "stop" } });

    expect(await forecastWorkload(w.id, T)).toMatchObject({ status: "at-risk", action: "scale_up" });
  });

  it("at risk with its pool full: swaps the rest to another agent's pool that can finish, fencing the old job", async () => {
    // One TP-2 replica fills the 2-GPU H100 pool; another agent has 64 A100s.
    const { w, a, agentId, org } = await running({ pools: [h100Pool(2, "h100")], placement: { tp: 2 } });
    const other = await addAgent(org.id, [a100Pool(64)]);

    const outcome = await forecastWorkload(w.id, T);
    const fresh = await prisma.assignment.findFirstOrThrow({ where: { workloadId: w.id, id: { not: a.id } } });
    expect(outcome).toEqual({ workloadId: w.id, status: "at-risk", action: "swap", wake: [agentId, other.agentId] });
    expect(fresh).toMatchObject({ agentId: other.agentId, state: "deploying" });
    expect((fresh.placement as TPlacementRecord).poolId).toBe(other.poolId["a100-od"]);
    expect((await wakeups.take()).sort()).toEqual([agentId, other.agentId].sort());
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({
      state: "lost",
      epoch: 2,
    });
    expect(
      (await commandsOf(a)).map((c) => ({ agentId: c.agentId, type: c.type, payload: c.payload, epoch: c.epoch })),
    ).toEqual([{ agentId, type: "stop", payload: {}, epoch: 2 }]);
    const f = expected(samplesOf(steady(30)), 1);
    const [swap, ...others] = await decisionsOf(w);
    expect(others).toEqual([]);
    const why = (swap!.inputs as { reason: string }).reason;
    expect(why).toMatch(new RegExp(`^${literal(f.explanation)} → no free GPUs can help \\(`));
    expect(swap).toMatchObject({
      kind: "swap",
      inputs: { reason: why, swappedAssignmentId: a.id, fencedEpoch: 2, at: T.toISOString() },
    });
    expect(swap!.reason).toContain(`${why} → no free GPUs to add on H100-SXM (on-demand); moving the rest.`);
    expect((await reload(w.id)).statusDetail).toBe(`Swapped GPUs at 12:00 UTC; forecast then: ${why}`);
  });

  it("a prefill/decode split at risk with room in its pool: not scaled (it cannot take colocated replicas) but moved whole", async () => {
    const { w, a, agentId, org } = await running({ pools: [h100Pool(64, "h100")], placement: { split: true } });
    const other = await addAgent(org.id, [a100Pool(64)]);

    const outcome = await forecastWorkload(w.id, T);
    expect(outcome).toEqual({ workloadId: w.id, status: "at-risk", action: "swap", wake: [agentId, other.agentId] });
    expect(
      (await commandsOf(a)).map((c) => ({ agentId: c.agentId, type: c.type, payload: c.payload, epoch: c.epoch })),
    ).toEqual([{ agentId, type: "stop", payload: {}, epoch: 2 }]);
    const [swap, ...others] = await decisionsOf(w);
    expect(others).toEqual([]);
    expect(swap!.kind).toBe("swap");
    expect(swap!.reason).toContain("→ a prefill/decode split cannot take added replicas; moving the rest.");
    await wakeups.take();
  });

  it("a prefill/decode split far ahead runs as planned: no replica is taken from it", async () => {
    const { w, a } = await running({
      pools: [h100Pool(8, "h100")],
      placement: { tp: 2, replicas: 3, split: true },
      workload: { deadlineAt: at(36_000) },
      reports: steady(180),
    });

    expect(await forecastWorkload(w.id, T)).toEqual({ workloadId: w.id, status: "ahead", action: "none" });
    expect(await commandsOf(a)).toEqual([]);
    expect(await decisionsOf(w)).toEqual([]);
  });

  it("at risk where its pool's free GPUs cannot take its TP degree, and no other pool: nothing changes", async () => {
    // One TP-2 replica in a 3-GPU pool: the one free H100 could run a TP-1 replica, but replicas
    // join the assignment's own group; and a swap only looks at the other pools, which there are none of.
    const { w, a } = await running({ pools: [h100Pool(3, "h100")], placement: { tp: 2 } });

    expect(await forecastWorkload(w.id, T)).toEqual({ workloadId: w.id, status: "at-risk", action: "none" });
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({
      state: "running",
      epoch: 1,
      placement: { replicas: 1, gpus: 2 },
    });
    expect(await commandsOf(a)).toEqual([]);
    expect(await decisionsOf(w)).toEqual([]);
  });

  it("at risk with its pool full and no other pool: nothing is fenced, stopped or decided", async () => {
    const { w, a } = await running();

    expect(await forecastWorkload(w.id, T)).toEqual({ workloadId: w.id, status: "at-risk", action: "none" });
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({
      state: "running",
      epoch: 1,
    });
    expect(await commandsOf(a)).toEqual([]);
    expect(await decisionsOf(w)).toEqual([]);
    expect((await reload(w.id)).statusDetail).toBe("as it was");
    expect(await wakeups.take()).toEqual([]);
  });
});

describe("forecastWorkload after a scale", () => {
  /**
   * Two replicas since a scale from one at T−600 s, in a full pool. Before it: 20 reports a minute
   * apart at `perMinute` requests; then one report at the moment of the scale, 300 requests on.
   */
  async function scaledAt600(perMinute: number, scale = { from: 1, to: 2 }) {
    const before = steady(perMinute, 20, { end: -660 });
    const rows = [
      ...before,
      { seq: 20, at: at(-600), progress: { completed: 19 * perMinute + 300, total: TOTAL, unit: "requests" as const } },
    ];
    const ctx = await running({
      pools: [h100Pool(scale.to, "h100")],
      placement: { replicas: scale.to },
      reports: rows,
    });
    await addScaleDecision(ctx.w, "scale_up", at(-600), scale);
    return { ...ctx, last: rows.at(-1)! };
  }

  /** With no sample since the scale but its own, the forecast's rate is the corrected model's: p50 = t + left ÷ rate. */
  async function expectP50(w: Workload, last: TRow, rate: number) {
    await forecastWorkload(w.id, T);
    const [point] = await prisma.forecastPoint.findMany({ where: { workloadId: w.id } });
    const left = TOTAL - last.progress!.completed;
    expect(point!.completed).toBe(last.progress!.completed);
    expect(point!.p50!.getTime()).toBeCloseTo(last.at.getTime() + (left / rate) * 1000, -1);
  }

  it("corrects the model's rate for the new replica count by the pace before the scale (30% stays 30%)", async () => {
    // 0.3 requests/s on a replica the model puts at 1/s: two replicas make 0.6/s, not 2/s. The
    // report at the scale's instant (300 requests in a minute) is after it, not part of that pace.
    const { w, last } = await scaledAt600(18);
    await expectP50(w, last, 0.6);
  });

  it("measures the pace before the scale against the replicas it had then (2 → 4: 30% of 2/s stays 30% of 4/s)", async () => {
    // 0.3 requests/s on two replicas the model puts at 2/s is a pace of 15%: four replicas make
    // 0.6/s. Pace taken against one replica's rate (or as observed × model) would make it 2.4/s.
    const { w, last } = await scaledAt600(18, { from: 2, to: 4 });
    await expectP50(w, last, 0.6);
  });

  it.each([
    [300, 2, "a pace above 2× the model counts as 2×"],
    [0.3, 0.01, "a pace below 1% of the model counts as 1%"],
  ])("%s requests a minute before the scale → pace %s: %s", async (perMinute, pace) => {
    const { w, last } = await scaledAt600(perMinute);
    await expectP50(w, last, 2 * pace);
  });

  it("takes the model's rate as it is when nothing was done before the scale", async () => {
    const { w, last } = await scaledAt600(0);
    await expectP50(w, last, 2);
  });
});

describe("forecastWorkloads", () => {
  it("forecasts every RUNNING batch workload at the sweep's clock", async () => {
    const { w } = await running();
    const other = await running({ workload: { status: "PAUSED" } });
    sweepable.add(w.id).add(other.w.id);

    const outcomes = await forecastWorkloads(T);
    expect(outcomes.filter((o) => o?.workloadId === w.id || o?.workloadId === other.w.id)).toEqual([
      { workloadId: w.id, status: "at-risk", action: "none" },
    ]);
    await expectStored(w, expected(samplesOf(steady(30)), 1), 270);
  });
});

describe("forecastWorkload under contention", () => {
  it("four jobs at risk on one 8-GPU pool, forecast at once, scale into its 4 free GPUs and never past them", async () => {
    // Each forecast reads the pool's free GPUs and writes a bigger placement in one transaction; only
    // the org planning lock keeps two of them from both taking the same free GPUs.
    const org = await newOrg();
    const { agentId, poolId } = await addAgent(org.id, [h100Pool(8, "h100")]);
    const jobs = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const w = await addWorkload(org.id);
        const a = await addAssignment(w, agentId, placement(poolId.h100!, agentId));
        await addReports(a, steady(30));
        return { w, a };
      }),
    );

    const outcomes = await Promise.all(jobs.map(({ w }) => forecastWorkload(w.id, T)));

    const held = await prisma.assignment.findMany({ where: { id: { in: jobs.map(({ a }) => a.id) } } });
    expect(held.reduce((n, a) => n + (a.placement as unknown as TPlacementRecord).gpus, 0)).toBe(8);
    expect(outcomes.some((o) => o.action === "scale_up")).toBe(true);
    expect(outcomes.every((o) => o.status === "at-risk")).toBe(true);
  });
});

/** `s` as a literal in a RegExp. */
function literal(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
