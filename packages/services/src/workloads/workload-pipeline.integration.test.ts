import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { ackCommand } from "../agents/ack-command.ts";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { claimCommands } from "../agents/lease-commands.ts";
import { recordHeartbeat } from "../agents/record-heartbeat.ts";
import { recordReport } from "../agents/record-report.ts";
import { cancelWorkload } from "./cancel-workload.ts";
import { completeWorkload } from "./complete-workload.ts";
import { forecastWorkload } from "./forecast-workload.ts";
import { planWorkload } from "./plan-workload.ts";
import { previewPlan } from "./preview-plan.ts";
import { submitWorkload } from "./submit-workload.ts";
import {
  a100Pool,
  batchSubmission,
  h100Pool,
  liveAssignment,
  onlineSubmission,
  orgWithAgent,
  report,
  dropOutboxRows,
} from "./test-fixtures.ts";

afterAll(async () => {
  await dropOutboxRows();
  await commandWakeups().stop();
});

async function submitted(orgId: string, over: Parameters<typeof batchSubmission>[0] = {}) {
  return submitWorkload({ orgId, actorUserId: null, via: "api", submission: batchSubmission(over) });
}

describe("workload pipeline", () => {
  it("submit → plan → deploy → RUNNING → reports → forecast at risk → scale → completed with cost and calibration", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(64)]);
    const preview = await previewPlan(org.id, batchSubmission());
    expect(preview.plan.feasible).toBe(true);
    const w = await submitted(org.id);

    const planned = await planWorkload(w.id);
    expect(planned.outcome).toBe("dispatched");
    expect(await planWorkload(w.id)).toMatchObject({ outcome: "noop" }); // a second run changes nothing
    const decision = await prisma.decision.findFirstOrThrow({ where: { workloadId: w.id } });
    expect(decision.kind).toBe("initial");
    expect(decision.reason.match(/Engine: /g)).toHaveLength(1);
    expect((decision.inputs as { capacity: unknown[] }).capacity).toHaveLength(1);
    const assignment = await liveAssignment(w.id);
    expect(assignment).toMatchObject({ agentId, decisionId: decision.id, state: "deploying" });
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).toMatchObject({
      status: "DISPATCHING",
      engine: "orca",
    });

    const [deploy] = await claimCommands(agentId);
    expect(deploy).toMatchObject({ type: "deploy", assignmentId: assignment.id, epoch: 1 });
    await ackCommand(org.id, agentId, deploy!.id, { status: "accepted", engineRef: "orca-job-1" });
    const running = await prisma.workload.findUniqueOrThrow({ where: { id: w.id } });
    expect(running.status).toBe("RUNNING");
    expect(running.startedAt).not.toBeNull();

    // Progress far below what the deadline needs: 0.5 req/s against 2.8 req/s needed.
    const t0 = Date.now() - 300_000;
    const total = 20_000;
    for (let i = 0; i <= 10; i++) {
      await recordReport(
        org.id,
        assignment.id,
        report({
          seq: i,
          completed: i * 15,
          total,
          at: new Date(t0 + i * 30_000),
          throughput: { tokensPerSecond: 650, outputTokensPerSecond: 150 },
          replicas: { live: 1, total: 1 },
        }),
      );
    }
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).toMatchObject({
      progressDone: 150,
      costUsd: expect.closeTo(1, 5),
    });

    const forecast = await forecastWorkload(w.id);
    expect(forecast).toMatchObject({ status: "at-risk", action: "scale_up" });
    expect(await prisma.forecastPoint.count({ where: { workloadId: w.id } })).toBe(1);
    const atRisk = await prisma.workload.findUniqueOrThrow({ where: { id: w.id } });
    expect(atRisk.health).toBe("AT_RISK");
    expect(atRisk.statusDetail).toMatch(/^Scaled up from 1 to \d+ replicas at \d\d:\d\d UTC; forecast then: /);
    expect(await prisma.outboxEvent.count({ where: { jobId: `notify-slo_at_risk-${w.id}` } })).toBe(1);
    const scale = await prisma.command.findFirstOrThrow({ where: { assignmentId: assignment.id, type: "scale" } });
    expect((scale.payload as { count: number }).count).toBeGreaterThan(1);
    expect(await prisma.decision.count({ where: { workloadId: w.id, kind: "scale_up" } })).toBe(1);
    // One scale in flight and a cooldown: the next sweep holds.
    expect(await forecastWorkload(w.id)).toMatchObject({ action: "none" });
    // With no report since the scale, the forecast assumes the pace seen so far (0.5 req/s per
    // replica), not the perf model's: it used to promise the model's rate and turn ON_TRACK.
    const replicas = (scale.payload as { count: number }).count;
    const p50 = Date.parse(
      ((await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).forecast as { p50: string }).p50,
    );
    const expected = t0 + 300_000 + ((total - 150) / (0.5 * replicas)) * 1000;
    expect(Math.abs(p50 - expected) / (expected - Date.now())).toBeLessThan(0.1);
    expect(await prisma.command.count({ where: { assignmentId: assignment.id, type: "scale" } })).toBe(1);

    await recordReport(
      org.id,
      assignment.id,
      report({
        seq: 11,
        state: "completed",
        completed: total,
        total,
        at: new Date(),
        costUsd: 42,
        throughput: { tokensPerSecond: 700, outputTokensPerSecond: 160 },
        replicas: { live: 1, total: 1 },
      }),
    );
    expect(await prisma.outboxEvent.count({ where: { jobId: `complete-${w.id}` } })).toBe(1);
    expect(await completeWorkload(w.id)).toEqual({ outcome: "completed" });
    expect(await completeWorkload(w.id)).toEqual({ outcome: "noop" });
    const done = await prisma.workload.findUniqueOrThrow({ where: { id: w.id } });
    expect(done).toMatchObject({ status: "COMPLETED", costUsd: expect.closeTo(42, 5), progressDone: total });
    expect(done.completedAt).not.toBeNull();
    const factor = await prisma.calibrationFactor.findFirstOrThrow({ where: { orgId: org.id } });
    expect(factor).toMatchObject({ model: "llama-3.1-8b", gpuType: "H100-SXM" });
    expect((factor.state as { factor: number; reports: number }).reports).toBe(1);
    expect((factor.state as { factor: number }).factor).toBeLessThan(1);
  });

  it("a rejected deploy fails over to the next alternative; when none is left the workload FAILS", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(16), a100Pool(16)]);
    const w = await submitted(org.id);
    expect((await planWorkload(w.id)).outcome).toBe("dispatched");
    const first = await liveAssignment(w.id);
    const alternatives = (await prisma.decision.findFirstOrThrow({ where: { workloadId: w.id } }))
      .alternatives as unknown[];
    expect(alternatives.length).toBeGreaterThan(0);

    let [deploy] = await claimCommands(agentId);
    await ackCommand(org.id, agentId, deploy!.id, { status: "rejected", detail: "no capacity in us-east-1a" });
    const second = await liveAssignment(w.id);
    expect(second.id).not.toBe(first.id);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: first.id } })).state).toBe("failed");
    const failover = await prisma.decision.findFirstOrThrow({ where: { workloadId: w.id, kind: "failover" } });
    expect(failover.reason).toContain("no capacity in us-east-1a");
    expect(second.decisionId).toBe(failover.id);
    expect((await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).status).toBe("DISPATCHING");

    for (let i = 0; i < alternatives.length; i++) {
      [deploy] = await claimCommands(agentId);
      expect(deploy?.type).toBe("deploy");
      await ackCommand(org.id, agentId, deploy!.id, { status: "failed", detail: "engine error" });
    }
    const failed = await prisma.workload.findUniqueOrThrow({ where: { id: w.id } });
    expect(failed.status).toBe("FAILED");
    expect(failed.statusDetail).toContain("no alternative placement left");
  });

  it("at risk with no room to grow in its pool: Koi swaps the rest to another pool and fences the old job", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const w = await submitted(org.id);
    expect((await planWorkload(w.id)).outcome).toBe("dispatched");
    const old = await liveAssignment(w.id);
    const [deploy] = await claimCommands(agentId);
    await ackCommand(org.id, agentId, deploy!.id, { status: "accepted", engineRef: "orca-job-swap" });
    // The H100 pool is now full (other jobs), and A100s have come online.
    await recordHeartbeat(org.id, agentId, {
      inventory: { pools: [{ ...h100Pool(8), available: 0 }, a100Pool(64)] },
      assignments: [],
    });
    const t0 = Date.now() - 300_000;
    for (let i = 0; i <= 10; i++)
      await recordReport(
        org.id,
        old.id,
        report({ seq: i, completed: i * 15, total: 20_000, at: new Date(t0 + i * 30_000) }),
      );

    expect(await forecastWorkload(w.id)).toMatchObject({ status: "at-risk", action: "swap" });
    const fresh = await liveAssignment(w.id);
    expect(fresh.id).not.toBe(old.id);
    expect((fresh.placement as { gpuType: string }).gpuType).toBe("A100-80GB");
    expect(fresh.progressTotal).toBe(20_000 - 150);
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({
      state: "lost",
      epoch: 2,
    });
    expect(await prisma.command.findFirstOrThrow({ where: { assignmentId: old.id, type: "stop" } })).toBeDefined();
    const swap = await prisma.decision.findFirstOrThrow({ where: { workloadId: w.id, kind: "swap" } });
    expect(swap.reason).toMatch(/no free GPUs to add on H100-SXM \(on-demand\); moving the rest\. Run /);
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).toMatchObject({
      status: "DISPATCHING",
      statusDetail: expect.stringMatching(/^Swapped GPUs at \d\d:\d\d UTC; forecast then: /),
    });
    await expect(
      recordReport(org.id, old.id, report({ seq: 11, completed: 200, total: 20_000, at: new Date() })),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    // A second sweep right after changes nothing (cooldown; the new assignment has no reports yet).
    expect(await forecastWorkload(w.id)).toMatchObject({ action: "none" });
  });

  it("forecasts Orca's chunk progress in requests: a job on pace is ON_TRACK, not days late", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(64)]);
    const w = await submitted(org.id);
    await planWorkload(w.id);
    const assignment = await liveAssignment(w.id);
    const [deploy] = await claimCommands(agentId);
    await ackCommand(org.id, agentId, deploy!.id, { status: "accepted", engineRef: "orca-job-chunks" });
    // 100 chunks of 200 requests; one chunk a minute is 3.3 req/s against the 2.8 req/s the deadline needs.
    const t0 = Date.now() - 600_000;
    for (let i = 0; i <= 10; i++) {
      await recordReport(org.id, assignment.id, {
        ...report({ seq: i, completed: 0, total: 0, at: new Date(t0 + i * 60_000) }),
        progress: { completed: i, total: 100, unit: "chunks" },
      });
    }
    expect((await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).progressDone).toBe(2_000);
    expect(await forecastWorkload(w.id)).toMatchObject({ status: "on-track", action: "none" });
    const forecast = (await prisma.workload.findUniqueOrThrow({ where: { id: w.id } })).forecast as { p50: string };
    expect(Date.parse(forecast.p50) - Date.now()).toBeLessThan(2 * 3_600_000);
  });

  it("infeasible → FAILED with the binding constraint; no agent → waits for capacity", async () => {
    const { org } = await orgWithAgent([h100Pool(1)]);
    const w = await submitted(org.id, {
      model: "meta-llama/Llama-3.1-405B-Instruct",
      requests: 1_000_000,
      deadlineHours: 1,
    });
    expect((await planWorkload(w.id)).outcome).toBe("failed");
    const failed = await prisma.workload.findUniqueOrThrow({ where: { id: w.id } });
    expect(failed.status).toBe("FAILED");
    expect(failed.statusDetail).toMatch(/^(memory-fit|availability|deadline)/);

    const lonely = await orgWithAgent([]);
    const waiting = await submitted(lonely.org.id);
    expect((await planWorkload(waiting.id)).outcome).toBe("waiting");
    expect(await prisma.workload.findUniqueOrThrow({ where: { id: waiting.id } })).toMatchObject({
      status: "PENDING",
      statusDetail: "waiting for capacity",
    });
  });

  it("alerts once when a batch job's spend passes its budget, and when an online service's hourly spend does", async () => {
    const { org } = await orgWithAgent([h100Pool(64)]);
    const batch = await submitted(org.id, { budgetUsd: 5 });
    await planWorkload(batch.id);
    const ba = await liveAssignment(batch.id);
    await recordReport(org.id, ba.id, report({ seq: 1, completed: 10, total: 20_000, at: new Date(), costUsd: 4 }));
    expect(await prisma.outboxEvent.count({ where: { jobId: `notify-budget-${batch.id}` } })).toBe(0);
    await recordReport(org.id, ba.id, report({ seq: 2, completed: 20, total: 20_000, at: new Date(), costUsd: 6 }));
    await recordReport(org.id, ba.id, report({ seq: 3, completed: 30, total: 20_000, at: new Date(), costUsd: 7 }));
    const alert = await prisma.outboxEvent.findUniqueOrThrow({ where: { jobId: `notify-budget-${batch.id}` } });
    expect((alert.payload as { message: string }).message).toMatch(/spent \$6\.00, past its budget of \$5\.00/);

    const online = await submitWorkload({
      orgId: org.id,
      actorUserId: null,
      via: "api",
      submission: onlineSubmission({ budgetUsd: 10 }),
    });
    await planWorkload(online.id);
    const oa = await liveAssignment(online.id);
    const started = Date.now() - 30 * 60_000;
    await prisma.workload.update({
      where: { id: online.id },
      data: { status: "RUNNING", startedAt: new Date(started) },
    });
    // $4 in the first 30 minutes is $8/h: under budget. $8 by then is $16/h: over.
    await recordReport(org.id, oa.id, {
      ...report({ seq: 1, completed: 0, total: 0, at: new Date(started + 30 * 60_000), costUsd: 4 }),
      progress: undefined,
    });
    expect(await prisma.outboxEvent.count({ where: { jobId: `notify-budget-${online.id}` } })).toBe(0);
    await recordReport(org.id, oa.id, {
      ...report({ seq: 2, completed: 0, total: 0, at: new Date(started + 30 * 60_000 + 1_000), costUsd: 8 }),
      progress: undefined,
    });
    const onlineAlert = await prisma.outboxEvent.findUniqueOrThrow({ where: { jobId: `notify-budget-${online.id}` } });
    expect((onlineAlert.payload as { message: string }).message).toMatch(
      /spending \$\d+\.\d\d\/h, past its budget of \$10\.00\/h/,
    );
  });

  it("cancel stops the live assignment and is idempotent", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const w = await submitted(org.id);
    await planWorkload(w.id);
    const cancelled = await cancelWorkload(org.id, w.id, null);
    expect(cancelled.status).toBe("CANCELLED");
    expect(await cancelWorkload(org.id, w.id, null)).toMatchObject({ status: "CANCELLED" });
    const commands = (await claimCommands(agentId)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    expect(commands.map((c) => c.type)).toEqual(["deploy", "stop"]);
    const other = await orgWithAgent([]);
    await expect(cancelWorkload(other.org.id, w.id, null)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
