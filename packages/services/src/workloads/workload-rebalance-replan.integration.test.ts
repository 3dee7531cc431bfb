import { afterAll, describe, expect, it } from "vitest";
import { prisma, type Prisma } from "@koi/db";
import { ackCommand } from "../agents/ack-command.ts";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { claimCommands } from "../agents/lease-commands.ts";
import { markOfflineAgents } from "../agents/mark-offline-agents.ts";
import { recordEngineEvents } from "../agents/record-engine-events.ts";
import { recordHeartbeat } from "../agents/record-heartbeat.ts";
import { recordReport } from "../agents/record-report.ts";
import { completeWorkload } from "./complete-workload.ts";
import { planWorkload } from "./plan-workload.ts";
import { rebalanceForWorkload } from "./rebalance-for-workload.ts";
import { reconcileWorkloads } from "./reconcile-workloads.ts";
import { MAX_ENGINE_FAILURES, replanWorkload } from "./replan-workload.ts";
import { submitWorkload } from "./submit-workload.ts";
import {
  a100Pool,
  batchSubmission,
  h100Pool,
  liveAssignment,
  orgWithAgent,
  report,
  dropOutboxRows,
} from "./test-fixtures.ts";

afterAll(async () => {
  await dropOutboxRows();
  await commandWakeups().stop();
});

/** A RUNNING workload holding `gpus` H100s of the agent's pool (replicas of TP × PP), due in `deadlineSeconds`. */
async function runningWorkload(
  orgId: string,
  agentId: string,
  priority: "low" | "high",
  gpus: number,
  deadlineSeconds: number,
  poolExternalId?: string,
  tp = 1,
  pp = 1,
) {
  const pool = await prisma.gpuPool.findFirstOrThrow({
    where: { agentId, ...(poolExternalId ? { externalId: poolExternalId } : {}) },
  });
  const submission = batchSubmission({ priority, deadlineHours: deadlineSeconds / 3600 });
  const w = await prisma.workload.create({
    data: {
      orgId,
      name: `${priority} job`,
      kind: "batch",
      model: submission.model,
      spec: submission as unknown as Prisma.InputJsonValue,
      priority,
      status: "RUNNING",
      deadlineAt: new Date(Date.now() + deadlineSeconds * 1000),
      progressTotal: 20_000,
      engine: "orca",
      startedAt: new Date(),
    },
  });
  const placement = {
    poolId: pool.id,
    agentId,
    gpuType: "H100-SXM",
    market: pool.market,
    tp,
    pp,
    replicas: gpus / (tp * pp),
    gpus,
    predictedTps: 10_000,
    rawPredictedTps: 10_000,
    replicaCostPerHour: 6.88,
  };
  const a = await prisma.assignment.create({
    data: { orgId, agentId, workloadId: w.id, state: "running", placement, progressTotal: 20_000 },
  });
  return { w, a };
}

describe("rebalance and replan", () => {
  it("an urgent job that does not fit borrows from a low-priority job with slack before a higher-priority one, and gives it back", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(16)]);
    const low = await runningWorkload(org.id, agentId, "low", 8, 48 * 3600);
    // Slack to spare too, but higher priority: the low job lends first.
    const high = await runningWorkload(org.id, agentId, "high", 8, 2_700);
    const urgent = await submitWorkload({
      orgId: org.id,
      actorUserId: null,
      via: "api",
      submission: batchSubmission({ priority: "urgent", requests: 5_000 }),
    });

    expect((await planWorkload(urgent.id)).outcome).toBe("rebalancing");
    expect(await prisma.outboxEvent.count({ where: { jobId: `rebalance-${urgent.id}` } })).toBe(1);
    const rebalanced = await rebalanceForWorkload(urgent.id);
    expect(rebalanced.outcome).toBe("rebalanced");
    expect(await rebalanceForWorkload(urgent.id)).toMatchObject({ outcome: "noop" });

    const pause = await prisma.decision.findFirstOrThrow({ where: { workloadId: low.w.id, kind: "rebalance_pause" } });
    expect(pause.reason).toMatch(/still meets its SLO: finishes .* before its deadline/);
    expect(await prisma.decision.count({ where: { workloadId: high.w.id, kind: "rebalance_pause" } })).toBe(0);
    expect(await prisma.command.count({ where: { assignmentId: high.a.id } })).toBe(0);
    const lowAfter = await prisma.workload.findUniqueOrThrow({ where: { id: low.w.id } });
    expect(lowAfter.statusDetail).toMatch(/(paused|lent \d+ GPUs) .*urgent|still meets its SLO/);
    const lowCommand = await prisma.command.findFirstOrThrow({ where: { assignmentId: low.a.id } });
    expect(["pause", "scale"]).toContain(lowCommand.type);

    expect((await planWorkload(urgent.id)).outcome).toBe("dispatched");
    const ua = await liveAssignment(urgent.id);
    await recordReport(
      org.id,
      ua.id,
      report({ seq: 0, state: "completed", completed: 5_000, total: 5_000, at: new Date() }),
    );
    expect((await completeWorkload(urgent.id)).outcome).toBe("completed");
    expect(await prisma.decision.count({ where: { workloadId: low.w.id, kind: "rebalance_resume" } })).toBe(1);
    const back = await prisma.command.findMany({ where: { assignmentId: low.a.id }, orderBy: { createdAt: "asc" } });
    expect(back.map((c) => c.type)).toEqual(lowCommand.type === "pause" ? ["pause", "resume"] : ["scale", "scale"]);
    expect((await prisma.workload.findUniqueOrThrow({ where: { id: low.w.id } })).status).toBe("RUNNING");
    // Reconcile finds nothing left to resume.
    await reconcileWorkloads();
    expect(await prisma.decision.count({ where: { workloadId: low.w.id, kind: "rebalance_resume" } })).toBe(1);
    expect(await claimCommands(agentId)).toBeDefined();
  });

  it("an urgent job waits for GPUs a lender is still giving back instead of failing, then runs", async () => {
    // The engine counts both running jobs' GPUs as busy until its next heartbeat after the pause.
    const { org, agentId } = await orgWithAgent([{ ...h100Pool(16), available: 0 }]);
    const low = await runningWorkload(org.id, agentId, "low", 8, 48 * 3600);
    await runningWorkload(org.id, agentId, "high", 8, 2_700);
    const urgent = await submitWorkload({
      orgId: org.id,
      actorUserId: null,
      via: "api",
      submission: batchSubmission({ priority: "urgent", requests: 5_000 }),
    });
    expect((await planWorkload(urgent.id)).outcome).toBe("rebalancing");
    expect((await rebalanceForWorkload(urgent.id)).outcome).toBe("rebalanced");

    expect((await planWorkload(urgent.id)).outcome).toBe("waiting");
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: urgent.id } })).toMatchObject({
      status: "PENDING",
      statusDetail: expect.stringMatching(/^waiting for capacity/),
    });

    const lent = await prisma.command.findFirstOrThrow({ where: { assignmentId: low.a.id } });
    const freed = lent.type === "pause" ? 8 : 8 - (lent.payload as { count: number }).count;
    await recordHeartbeat(org.id, agentId, {
      inventory: { pools: [{ ...h100Pool(16), available: freed }] },
      assignments: [],
    });
    expect((await planWorkload(urgent.id)).outcome).toBe("dispatched");
  });

  it("only work on pools the urgent job may use lends: a spot job is never shrunk for an on-demand-only one", async () => {
    const { org, agentId } = await orgWithAgent([
      h100Pool(8),
      { ...h100Pool(8, "h100-spot"), market: "spot", pricePerGpuHour: 2.4 },
    ]);
    const low = await runningWorkload(org.id, agentId, "low", 8, 48 * 3600, "h100-od");
    const spot = await runningWorkload(org.id, agentId, "high", 8, 48 * 3600, "h100-spot");
    const urgent = await submitWorkload({
      orgId: org.id,
      actorUserId: null,
      via: "api",
      submission: batchSubmission({ priority: "urgent", requests: 5_000, allowedMarkets: ["on-demand"] }),
    });
    expect((await planWorkload(urgent.id)).outcome).toBe("rebalancing");
    expect((await rebalanceForWorkload(urgent.id)).outcome).toBe("rebalanced");
    expect(await prisma.command.count({ where: { assignmentId: spot.a.id } })).toBe(0);
    expect(await prisma.command.count({ where: { assignmentId: low.a.id } })).toBe(1);
  });

  it("GPUs a job paused for an urgent one stay reserved for it: another workload planned meanwhile waits", async () => {
    const { org, agentId } = await orgWithAgent([{ ...h100Pool(8), available: 0 }]);
    // One TP8 replica can only be lent whole: a pause.
    const low = await runningWorkload(org.id, agentId, "low", 8, 48 * 3600, undefined, 8);
    const urgent = await submitWorkload({
      orgId: org.id,
      actorUserId: null,
      via: "api",
      submission: batchSubmission({ priority: "urgent", requests: 5_000 }),
    });
    expect((await planWorkload(urgent.id)).outcome).toBe("rebalancing");
    expect((await rebalanceForWorkload(urgent.id)).outcome).toBe("rebalanced");
    expect(await prisma.command.findFirstOrThrow({ where: { assignmentId: low.a.id } })).toMatchObject({
      type: "pause",
    });
    await recordHeartbeat(org.id, agentId, { inventory: { pools: [h100Pool(8)] }, assignments: [] });

    const other = await submitWorkload({
      orgId: org.id,
      actorUserId: null,
      via: "api",
      submission: batchSubmission({ requests: 1_000 }),
    });
    expect((await planWorkload(other.id)).outcome).toBe("waiting");
    expect((await planWorkload(urgent.id)).outcome).toBe("dispatched");
  });

  it("a lender of TP2 × PP2 replicas lends whole 4-GPU replicas, and its shrunk placement counts 4 GPUs each", async () => {
    // Four replicas of TP2 × PP2 fill the pool's 4-GPU machines. Counting TP alone, the shrunk
    // placement would record 2 GPUs for each replica it keeps (and say "lent 2 GPUs"), and the
    // planner would take the GPUs the PP job holds as free.
    const { org, agentId } = await orgWithAgent([{ ...h100Pool(16), shape: { gpusPerMachine: 4 } }]);
    const low = await runningWorkload(org.id, agentId, "low", 16, 48 * 3600, undefined, 2, 2);
    const urgent = await submitWorkload({
      orgId: org.id,
      actorUserId: null,
      via: "api",
      submission: batchSubmission({ priority: "urgent", requests: 5_000 }),
    });
    expect((await planWorkload(urgent.id)).outcome).toBe("rebalancing");
    expect((await rebalanceForWorkload(urgent.id)).outcome).toBe("rebalanced");

    // One replica lent: 3 of the 4 keep running, on 12 GPUs.
    expect(await prisma.command.findFirstOrThrow({ where: { assignmentId: low.a.id } })).toMatchObject({
      type: "scale",
      payload: { count: 3 },
    });
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: low.a.id } })).placement).toEqual({
      ...(low.a.placement as object),
      replicas: 3,
      gpus: 12,
    });
    expect((await prisma.workload.findUniqueOrThrow({ where: { id: low.w.id } })).statusDetail).toMatch(
      /^lent 4 GPUs to .*; still meets its SLO/,
    );
    const pause = await prisma.decision.findFirstOrThrow({ where: { workloadId: low.w.id, kind: "rebalance_pause" } });
    expect(pause.inputs).toMatchObject({ action: "shrink", replicasBefore: 4, replicasAfter: 3 });
  });

  it("an urgent job nobody can lend to waits for capacity while its deadline still fits the pools", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    // 20,000 requests at ~61/s take ~325 s of its 340; one replica fewer would take ~370: nothing to lend.
    await runningWorkload(org.id, agentId, "high", 8, 340);
    const urgent = await submitWorkload({
      orgId: org.id,
      actorUserId: null,
      via: "api",
      submission: batchSubmission({ priority: "urgent", requests: 5_000 }),
    });
    expect((await planWorkload(urgent.id)).outcome).toBe("rebalancing");
    expect((await rebalanceForWorkload(urgent.id)).outcome).toBe("declined");
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: urgent.id } })).toMatchObject({
      status: "PENDING",
      statusDetail: expect.stringMatching(/^waiting for capacity: rebalance: cannot meet every SLO/),
    });
    // The waiting message (shown by the workload page and `koi status`) names the pool, not its id.
    const { statusDetail } = await prisma.workload.findUniqueOrThrow({ where: { id: urgent.id } });
    const cluster = await prisma.cluster.findFirstOrThrow({ where: { orgId: org.id } });
    expect(statusDetail).toContain(`GPUs of ${cluster.name}'s H100-SXM on-demand pool`);
    for (const p of await prisma.gpuPool.findMany({ where: { orgId: org.id } }))
      expect(statusDetail).not.toContain(p.id);
    expect(await prisma.outboxEvent.count({ where: { jobId: `plan-${urgent.id}-not-rebalanced` } })).toBe(1);
    expect((await planWorkload(urgent.id)).outcome).toBe("waiting");
  });

  it("a lower-priority job whose forecast is already behind lends nothing, however fast its model says it runs", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const low = await runningWorkload(org.id, agentId, "low", 8, 3_600);
    await prisma.workload.update({
      where: { id: low.w.id },
      data: { health: "AT_RISK", forecast: { p50: new Date(Date.now() + 4_000_000).toISOString() } },
    });
    const urgent = await submitWorkload({
      orgId: org.id,
      actorUserId: null,
      via: "api",
      submission: batchSubmission({ priority: "urgent", requests: 5_000 }),
    });
    expect((await planWorkload(urgent.id)).outcome).toBe("rebalancing");
    expect((await rebalanceForWorkload(urgent.id)).outcome).toBe("declined");
    expect(await prisma.command.count({ where: { assignmentId: low.a.id } })).toBe(0);
  });

  it("a spot preemption replans: the epoch is bumped, stale reports and acks get 409 with nothing written", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(16)]);
    const w = await submitWorkload({ orgId: org.id, actorUserId: null, via: "api", submission: batchSubmission() });
    await planWorkload(w.id);
    const old = await liveAssignment(w.id);
    const [deploy] = await claimCommands(agentId);
    await ackCommand(org.id, agentId, deploy!.id, { status: "accepted", engineRef: "orca-job-7" });
    await recordReport(org.id, old.id, report({ seq: 0, completed: 500, total: 20_000, at: new Date() }));

    const event = {
      eventId: "ev-preempt-1",
      at: new Date().toISOString(),
      type: "replica_failed",
      reasonCode: "spot_preemption",
      detail: "AWS reclaimed i-123",
      engineRef: "orca-job-7",
    };
    await recordEngineEvents(org.id, agentId, [event]);
    await recordEngineEvents(org.id, agentId, [event]);
    const job = await prisma.outboxEvent.findUniqueOrThrow({ where: { jobId: `replan-${old.id}-1` } });
    expect(job.payload).toMatchObject({ workloadId: w.id, assignmentId: old.id });

    const replanned = await replanWorkload(w.id, "spot_preemption", old.id);
    expect(replanned.outcome).toBe("dispatched");
    expect(await replanWorkload(w.id, "spot_preemption", old.id)).toMatchObject({ outcome: "noop" });
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({
      epoch: 2,
      state: "lost",
    });
    const fresh = await liveAssignment(w.id);
    expect(fresh.id).not.toBe(old.id);
    expect(fresh.progressTotal).toBe(19_500);
    expect(await prisma.decision.count({ where: { workloadId: w.id, kind: "replan" } })).toBe(1);

    const reportsBefore = await prisma.assignmentReport.count({ where: { assignmentId: old.id } });
    await expect(
      recordReport(org.id, old.id, report({ seq: 1, completed: 900, total: 20_000, at: new Date() })),
    ).rejects.toMatchObject({ code: "CONFLICT", publicCode: "stale_epoch" });
    await expect(ackCommand(org.id, agentId, deploy!.id, { status: "completed" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await prisma.assignmentReport.count({ where: { assignmentId: old.id } })).toBe(reportsBefore);
    expect((await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).progressDone).toBe(500);
  });

  it("an engine job that fails is replanned away from its pool; the third failure fails the workload", async () => {
    const { org } = await orgWithAgent([h100Pool(16), a100Pool(64), h100Pool(16, "h100-b")]);
    const w = await submitWorkload({ orgId: org.id, actorUserId: null, via: "api", submission: batchSubmission() });
    await planWorkload(w.id);
    const pools: string[] = [];
    for (let attempt = 1; attempt <= MAX_ENGINE_FAILURES; attempt++) {
      const a = await liveAssignment(w.id);
      pools.push((a.placement as { poolId: string }).poolId);
      await recordReport(org.id, a.id, report({ seq: 0, completed: 100, total: 20_000, at: new Date() }));
      await recordReport(
        org.id,
        a.id,
        report({ seq: 1, state: "failed", completed: 200, total: 20_000, at: new Date() }),
      );
      expect(await prisma.outboxEvent.count({ where: { jobId: `replan-${a.id}-failed` } })).toBe(1);
      const outcome = await replanWorkload(w.id, "the engine reported the job failed", a.id);
      expect(await replanWorkload(w.id, "the engine reported the job failed", a.id)).toMatchObject({ outcome: "noop" });
      // Fenced: a late report from the failed job cannot make it live again.
      await expect(
        recordReport(org.id, a.id, report({ seq: 2, completed: 300, total: 20_000, at: new Date() })),
      ).rejects.toMatchObject({ code: "CONFLICT" });
      if (attempt < MAX_ENGINE_FAILURES) {
        expect(outcome.outcome).toBe("dispatched");
        // The next placement avoids the pool that failed, and counts only what is left.
        expect((await liveAssignment(w.id)).progressTotal).toBe(20_000 - 200 * attempt);
      } else {
        expect(outcome.outcome).toBe("failed");
      }
    }
    expect(new Set(pools).size).toBe(MAX_ENGINE_FAILURES);
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).toMatchObject({
      status: "FAILED",
      statusDetail: expect.stringMatching(/failed this workload's job 3 times/),
    });
    expect(await prisma.decision.count({ where: { workloadId: w.id, kind: "replan" } })).toBe(2);
  });

  it("a workload whose engine job failed on the only pool it may use fails instead of going back there", async () => {
    const { org } = await orgWithAgent([h100Pool(16)]);
    const w = await submitWorkload({ orgId: org.id, actorUserId: null, via: "api", submission: batchSubmission() });
    await planWorkload(w.id);
    const a = await liveAssignment(w.id);
    await recordReport(org.id, a.id, report({ seq: 0, state: "failed", completed: 0, total: 20_000, at: new Date() }));
    expect((await replanWorkload(w.id, "the engine reported the job failed", a.id)).outcome).toBe("failed");
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).toMatchObject({
      status: "FAILED",
      statusDetail: "the engine failed this workload on every pool it may use",
    });
    expect(await prisma.assignment.count({ where: { workloadId: w.id } })).toBe(1);
  });

  it("an agent going OFFLINE queues a replan of its workloads in the same transaction", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(16)]);
    const w = await submitWorkload({ orgId: org.id, actorUserId: null, via: "api", submission: batchSubmission() });
    await planWorkload(w.id);
    const a = await liveAssignment(w.id);
    await prisma.agent.update({ where: { id: agentId }, data: { lastHeartbeatAt: new Date(Date.now() - 3_600_000) } });
    const flipped = await markOfflineAgents();
    expect(flipped.map((f) => f.agentId)).toContain(agentId);
    expect(await prisma.outboxEvent.count({ where: { jobId: `replan-${a.id}-1` } })).toBe(1);
    // No ONLINE agent left: the workload waits for capacity and reconcile retries it.
    expect((await replanWorkload(w.id, "agent offline", a.id)).outcome).toBe("waiting");
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).toMatchObject({ status: "PENDING" });
  });
});
