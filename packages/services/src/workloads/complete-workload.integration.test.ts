import { afterAll, describe, expect, it } from "vitest";
import type { TAssignmentReport } from "@koi/contracts/agent/reports";
import { TERMINAL_WORKLOAD_STATUSES } from "@koi/contracts/workloads/workloads";
import { prisma, type Assignment, type Prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { predictPerformance } from "@koi/planner";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { registration } from "../agents/test-fixtures.ts";
import { completeWorkload, observedReplicaTps } from "./complete-workload.ts";
import { loadOrgCalibration } from "./load-calibration.ts";
import type { TPlacementRecord } from "./read-stored-json.ts";
import { batchSubmission, holdOrgPlanningLock } from "./test-fixtures.ts";

// completeWorkload and observedReplicaTps called directly on rows set up in exactly the state each
// rule reads: when completing is a no-op, what the COMPLETED row holds, which assignment's
// throughput calibrates the org's perf model and how, and what the workload hands back.

const orgIds: string[] = [];
afterAll(async () => {
  // No worker relays these rows here; later test files count the shared database's outbox.
  await prisma.outboxEvent.deleteMany({ where: { orgId: { in: orgIds }, publishedAt: null } });
  await commandWakeups().stop();
});

const T = new Date("2026-11-02T12:00:00.000Z");
const at = (seconds: number) => new Date(T.getTime() + seconds * 1000);
const MODEL = "meta-llama/Llama-3.1-8B-Instruct"; // batchSubmission's: 1000 + 300 tokens a request

const placement = (over: Partial<TPlacementRecord> = {}): TPlacementRecord => ({
  ...{ poolId: "h100-od", agentId: "agent", gpuType: "H100", market: "on-demand", tp: 2, pp: 1, replicas: 2 },
  ...{ gpus: 4, predictedTps: 1000, rawPredictedTps: 1000, replicaCostPerHour: 13.76, ...over },
});
const { gpuType: _g, ...noGpuType } = placement();
const { tp: _t, ...noTp } = placement();
const { rawPredictedTps: _r, ...noPrediction } = placement();

async function newOrg() {
  const org = await createTestOrg();
  orgIds.push(org.id);
  const { agentId } = await registerAgent(org.id, "key_test", registration());
  return { orgId: org.id, agentId };
}

async function newWorkload(orgId: string, over: Partial<Prisma.WorkloadUncheckedCreateInput> = {}) {
  const spec = batchSubmission() as Prisma.InputJsonValue;
  return prisma.workload.create({
    data: { orgId, name: "nightly-eval", kind: "batch", model: MODEL, spec, status: "RUNNING", ...over },
  });
}

type TAssignmentOver = { state?: string; costUsd?: number; epoch?: number; placement?: object };
const newAssignment = (orgId: string, agentId: string, workloadId: string | null, over: TAssignmentOver = {}) =>
  prisma.assignment.create({
    data: { orgId, agentId, workloadId, state: "completed", placement: placement(), ...over },
  });

const running = (seq: number, extra: Partial<TAssignmentReport> = {}): TAssignmentReport => ({
  ...{ epoch: 1, seq, at: at(seq * 10).toISOString(), state: "running", usage: [] },
  ...extra,
});
const tps = (tokensPerSecond: number, live: number) => ({
  throughput: { tokensPerSecond, outputTokensPerSecond: 0 },
  replicas: { live, total: live },
});
const progress = (completed: number) => ({ progress: { completed, total: 10_000, unit: "requests" as const } });

async function store(a: { id: string; orgId: string }, reports: TAssignmentReport[]) {
  for (const r of reports)
    await prisma.assignmentReport.create({
      data: { orgId: a.orgId, assignmentId: a.id, epoch: r.epoch, seq: r.seq, at: new Date(r.at), data: r },
    });
}

const observe = (a: Assignment, perRequestTokens = 1300) =>
  prisma.$transaction((tx) => observedReplicaTps(tx, a, perRequestTokens));
const reload = (id: string) => prisma.workload.findUniqueOrThrow({ where: { id } });
const factorsOf = (orgId: string) => prisma.calibrationFactor.findMany({ where: { orgId } });

describe("observedReplicaTps", () => {
  it("ignores other epochs, other assignments, and reports that measure no running replica", async () => {
    const { orgId, agentId } = await newOrg();
    const a = await newAssignment(orgId, agentId, null, { epoch: 2 });
    const other = await newAssignment(orgId, agentId, null, { epoch: 2 });
    await store(other, [running(0, { epoch: 2, ...tps(1000, 1) })]);
    await store(a, [
      running(0, { epoch: 1, ...tps(1000, 1) }),
      running(0, { epoch: 2, ...tps(1000, 1), state: "deploying" }),
      running(1, { epoch: 2, ...tps(0, 1) }),
      running(2, { epoch: 2, ...tps(1000, 0) }),
      running(3, { epoch: 2, throughput: { tokensPerSecond: 1000, outputTokensPerSecond: 0 } }),
      running(4, { epoch: 2 }),
    ]);
    // Any of these counted would be a number; none has progress either, so there is nothing to go on.
    expect(await observe(a)).toBeNull();
  });

  it("takes the middle of an odd count of per-replica throughputs, sorted as numbers", async () => {
    const { orgId, agentId } = await newOrg();
    const a = await newAssignment(orgId, agentId, null);
    // Per replica 1000, 250, 900: sorted 250, 900, 1000 (as strings "1000" would come first).
    await store(a, [running(0, tps(2000, 2)), running(1, tps(500, 2)), running(2, tps(900, 1))]);
    expect(await observe(a)).toBe(900);
  });

  it("takes the upper middle (index n/2 sorted ascending) of an even count", async () => {
    const { orgId, agentId } = await newOrg();
    const a = await newAssignment(orgId, agentId, null);
    await store(a, [
      running(0, tps(400, 1)),
      running(1, tps(100, 1)),
      running(2, tps(300, 1)),
      running(3, tps(200, 1)),
    ]);
    expect(await observe(a)).toBe(300);
  });

  it("falls back to progress: first report with work done to the last with progress, per replica", async () => {
    const { orgId, agentId } = await newOrg();
    const a = await newAssignment(orgId, agentId, null, { placement: placement({ replicas: 2 }) });
    // Stored out of seq order: the seq order is what counts. The last report has no progress.
    await store(a, [running(4), running(3, progress(700)), running(0, progress(0)), running(1, progress(100))]);
    // (700 - 100) requests × 1300 tokens over the 20 s from seq 1 to seq 3, 2 replicas.
    expect(await observe(a)).toBe(19_500);
    // A placement with no replicas counts as one.
    const oneReplica = placement({ replicas: 0 }) as Prisma.JsonObject;
    expect(await observe({ ...a, placement: oneReplica })).toBe(39_000);
    expect(await observe(a, 100)).toBe(1500);
  });

  it("reads the reports in seq order, whatever order Postgres scans them in", async () => {
    const { orgId, agentId } = await newOrg();
    const a = await newAssignment(orgId, agentId, null, { placement: placement({ replicas: 1 }) });
    await store(a, [running(3, progress(700)), running(1, progress(100))]);
    // With no index to walk, the rows come back as stored: seq 3 before seq 1.
    const observed = await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_indexscan = off`;
      await tx.$executeRaw`SET LOCAL enable_indexonlyscan = off`;
      await tx.$executeRaw`SET LOCAL enable_bitmapscan = off`;
      return observedReplicaTps(tx, a, 1300);
    });
    // 600 requests × 1300 tokens over the 20 s from seq 1 to seq 3, on one replica.
    expect(observed).toBe(39_000);
  });

  it("counts an Orca job's chunk progress as requests, and needs no pool in the placement", async () => {
    const { orgId, agentId } = await newOrg();
    const { poolId: _p, ...noPool } = placement({ replicas: 1 });
    const a = await prisma.assignment.create({
      data: {
        orgId,
        agentId,
        workloadId: null,
        state: "completed",
        progressTotal: 20_000,
        placement: noPool as Prisma.InputJsonValue,
      },
    });
    const chunks = (completed: number) => ({ progress: { completed, total: 10, unit: "chunks" as const } });
    await store(a, [running(0, chunks(1)), running(6, chunks(3))]);
    // Chunks 1 → 3 of 10 are 4,000 of the 20,000 requests, × 1300 tokens over 60 s. Before: the chunk
    // count was taken for requests (2 × 1300 / 60 ≈ 43 tokens/s), and a placement without its pool
    // failed the completion with a parse error, so the workload never completed.
    expect(await observe(a)).toBeCloseTo((4000 * 1300) / 60, 6);
  });

  it("has no observation without two reports that span time and work done", async () => {
    const { orgId, agentId } = await newOrg();
    const a = await newAssignment(orgId, agentId, null);
    const epochs = [
      [running(0, progress(100))], // one report: first === last
      [running(0, progress(100)), running(1, { ...progress(300), at: at(0).toISOString() })], // no time
      [running(0, progress(100)), running(1, progress(100))], // no work
      [running(0, progress(0)), running(1, progress(0))], // nothing done at all
      [], // no reports
    ];
    for (const [i, reports] of epochs.entries()) {
      await store(
        a,
        reports.map((r) => ({ ...r, epoch: i + 1 })),
      );
      expect(await observe({ ...a, epoch: i + 1 })).toBeNull();
    }
  });

  it("has no observation from one report without reading the placement at all", async () => {
    const { orgId, agentId } = await newOrg();
    // Not a placement record (replicas is not a number): reading it would throw a ZodError.
    const a = await newAssignment(orgId, agentId, null, { placement: { replicas: "two" } });
    await store(a, [running(0, progress(100))]);
    // One report is both the first with work done and the last: nothing spans time, so no parse.
    expect(await observe(a)).toBeNull();
  });
});

describe("completeWorkload", () => {
  it("does nothing for a missing workload, an ended one, or one with no completed assignment", async () => {
    expect(await completeWorkload("no-such-workload", T)).toEqual({ outcome: "noop" });
    const { orgId, agentId } = await newOrg();
    const cases = [
      ...TERMINAL_WORKLOAD_STATUSES.map((status) => ({ status, states: ["completed"] })),
      { status: "RUNNING" as const, states: ["running", "failed", "stopped"] },
    ];
    for (const { status, states } of cases) {
      const w = await newWorkload(orgId, { status, completedAt: at(-3600), costUsd: 1, progressTotal: 600 });
      for (const state of states)
        await store(await newAssignment(orgId, agentId, w.id, { state }), [running(0, tps(2000, 1))]);
      const before = await reload(w.id);
      expect(await completeWorkload(w.id, T)).toEqual({ outcome: "noop" });
      expect(await reload(w.id)).toEqual(before);
    }
    expect(await factorsOf(orgId)).toEqual([]);
  });

  it("completes at `now` with the cost of every assignment, on track when finishing at the deadline", async () => {
    const { orgId, agentId } = await newOrg();
    const w = await newWorkload(orgId, { deadlineAt: T, costUsd: 99, progressTotal: 600, progressDone: 550 });
    for (const [state, costUsd] of [
      ["failed", 1.5],
      ["completed", 2.25],
      ["stopped", 0.25],
    ] as const)
      await newAssignment(orgId, agentId, w.id, { state, costUsd });
    // Another workload's spend is not this one's.
    await newAssignment(orgId, agentId, (await newWorkload(orgId)).id, { state: "running", costUsd: 10 });
    expect(await completeWorkload(w.id, T)).toEqual({ outcome: "completed" });
    // The sum can never be null: the completed assignment just found is one of the rows summed, so
    // the `?? workload.costUsd` fallback is unreachable.
    expect(await reload(w.id)).toMatchObject({
      status: "COMPLETED",
      completedAt: T,
      costUsd: 4,
      progressDone: 600,
      health: "ON_TRACK",
      statusDetail: "completed",
    });
    // Run twice (the job is retried): the second run finds it COMPLETED and leaves it be.
    expect(await completeWorkload(w.id, at(60))).toEqual({ outcome: "noop" });
    expect((await reload(w.id)).completedAt).toEqual(T);
  });

  it("is late one millisecond past the deadline, and never without one; keeps progress without a total", async () => {
    const { orgId, agentId } = await newOrg();
    const late = await newWorkload(orgId, { deadlineAt: new Date(T.getTime() - 1) });
    const open = await newWorkload(orgId, { deadlineAt: null, progressTotal: 0, progressDone: 37 });
    for (const w of [late, open]) await newAssignment(orgId, agentId, w.id);
    await completeWorkload(late.id, T);
    await completeWorkload(open.id, T);
    expect(await reload(late.id)).toMatchObject({ health: "LATE", statusDetail: "completed after the deadline" });
    expect(await reload(open.id)).toMatchObject({ health: "ON_TRACK", statusDetail: "completed", progressDone: 37 });
  });

  it("calibrates from the most recently updated completed assignment only", async () => {
    const { orgId, agentId } = await newOrg();
    const w = await newWorkload(orgId);
    const newest = await newAssignment(orgId, agentId, w.id, { placement: placement({ gpuType: "H100", tp: 2 }) });
    const older = await newAssignment(orgId, agentId, w.id, { placement: placement({ gpuType: "A100", tp: 1 }) });
    await prisma.$executeRaw`UPDATE "Assignment" SET "updatedAt" = ${at(-60)} WHERE id = ${older.id}`;
    await prisma.$executeRaw`UPDATE "Assignment" SET "updatedAt" = ${at(0)} WHERE id = ${newest.id}`;
    // 4000 tokens/s over 2 live replicas: 2000 per replica against 1000 predicted.
    for (const a of [newest, older]) await store(a, [running(0, tps(4000, 2))]);
    await completeWorkload(w.id, T);
    const [row, ...rest] = await factorsOf(orgId);
    expect(rest).toEqual([]);
    // Stored under the catalog's ids for MODEL and "H100"; the prior "model is right" halves the first ratio.
    expect(row).toMatchObject({ orgId, model: "llama-3.1-8b", gpuType: "H100-SXM", tp: 2 });
    expect(row!.state).toEqual({ logRatios: [Math.log(2)], reports: 1, factor: Math.exp(Math.log(2) / 2) });
  });

  it("adds a later completion's observation to the same row, from progress when there is no throughput", async () => {
    const { orgId, agentId } = await newOrg();
    const first = await newWorkload(orgId);
    await store(await newAssignment(orgId, agentId, first.id), [running(0, tps(4000, 2))]);
    await completeWorkload(first.id, T);
    const second = await newWorkload(orgId);
    const a = await newAssignment(orgId, agentId, second.id, { placement: placement({ rawPredictedTps: 4875 }) });
    // 600 requests × 1300 tokens (the spec's) in 40 s on 2 replicas: 9750, twice the prediction.
    await store(a, [running(0, progress(100)), running(4, progress(700))]);
    await completeWorkload(second.id, T);
    const rows = await factorsOf(orgId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.state).toEqual({
      logRatios: [Math.log(2), Math.log(2)],
      reports: 2,
      factor: Math.exp(Math.log(2)),
    });
  });

  it("calibrates the predictions the planner makes next for that model, GPU and TP", async () => {
    const { orgId, agentId } = await newOrg();
    const w = await newWorkload(orgId);
    await store(await newAssignment(orgId, agentId, w.id), [running(0, tps(4000, 2))]);
    await completeWorkload(w.id, T);
    // Before, the row was keyed by the submitted name, which the planner never looks up: no plan
    // after a completion used what it measured.
    const next = { model: MODEL, gpu: "H100", tp: 2, inputTokens: 1000, outputTokens: 300 };
    const perf = predictPerformance({ ...next, calibration: await loadOrgCalibration(orgId) });
    expect(perf.calibrationFactor).toBeCloseTo(Math.exp(Math.log(2) / 2), 12);
  });

  it("completes without calibrating when the placement carries no prediction or nothing was observed", async () => {
    const { orgId, agentId } = await newOrg();
    const full = placement();
    for (const p of [noGpuType, noTp, noPrediction, full]) {
      const w = await newWorkload(orgId);
      const a = await newAssignment(orgId, agentId, w.id, { placement: p });
      // The full placement has no reports at all: nothing to observe.
      if (p !== full) await store(a, [running(0, tps(4000, 2))]);
      expect(await completeWorkload(w.id, T)).toEqual({ outcome: "completed" });
      expect((await reload(w.id)).status).toBe("COMPLETED");
    }
    expect(await factorsOf(orgId)).toEqual([]);
  });

  it("resumes the work it paused and wakes that work's agent", async () => {
    const { orgId, agentId } = await newOrg();
    const urgent = await newWorkload(orgId, { name: "urgent-eval" });
    await newAssignment(orgId, agentId, urgent.id);
    const lender = await newWorkload(orgId, { status: "PAUSED", statusDetail: "paused for urgent-eval" });
    const lent = await newAssignment(orgId, agentId, lender.id, { state: "paused" });
    const inputs = { urgentWorkloadId: urgent.id, urgentName: "urgent-eval", assignmentId: lent.id, action: "pause" };
    await prisma.decision.create({
      data: {
        orgId,
        workloadId: lender.id,
        kind: "rebalance_pause",
        inputs: { ...inputs, replicasBefore: 2, replicasAfter: 0 },
        plan: {},
        reason: "lent",
      },
    });
    await commandWakeups().wait("warm-up", 1); // subscribed before anything is published
    const woken = commandWakeups().wait(agentId, 5000);
    expect(await completeWorkload(urgent.id, T)).toEqual({ outcome: "completed" });
    expect(await woken).toBe(true);
    expect(await reload(lender.id)).toMatchObject({ status: "RUNNING", statusDetail: null });
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: lent.id } })).state).toBe("running");
    const commands = await prisma.command.findMany({ where: { assignmentId: lent.id } });
    expect(commands.map((c) => c.type)).toEqual(["resume"]);
    const resume = await prisma.decision.findFirstOrThrow({
      where: { workloadId: lender.id, kind: "rebalance_resume" },
    });
    expect(resume.reason).toBe("urgent-eval completed: resuming after lending GPUs to urgent-eval.");
  });

  it("does not wait for a planning run in its org", async () => {
    const { orgId, agentId } = await newOrg();
    const w = await newWorkload(orgId);
    await newAssignment(orgId, agentId, w.id);
    const planner = await holdOrgPlanningLock(orgId);
    try {
      // A plan holds the org's lock while the solver runs; completing a workload need not queue behind it.
      const settled = await Promise.race([
        completeWorkload(w.id, T).then(() => true),
        new Promise((resolve) => setTimeout(() => resolve(false), 5_000)),
      ]);
      expect(settled).toBe(true);
    } finally {
      await planner.release();
    }
    expect((await reload(w.id)).status).toBe("COMPLETED");
  });
});
