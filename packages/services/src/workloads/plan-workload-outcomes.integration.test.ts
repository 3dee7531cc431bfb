import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { recordHeartbeat } from "../agents/record-heartbeat.ts";
import { GPUS } from "@koi/catalog";
import { recordWakeupsPerTest, registration } from "../agents/test-fixtures.ts";
import { planWorkload, WAITING_FOR_CAPACITY } from "./plan-workload.ts";
import { submitWorkload } from "./submit-workload.ts";
import { batchSubmission, dropOutboxRows, h100Pool, onlineSubmission, orgWithAgent } from "./test-fixtures.ts";

// What planWorkload leaves behind for each outcome, word for word: the status line the workload
// page and `koi status` show, the Decision kept for an infeasible plan, and the jobs it asks for.

afterAll(async () => {
  await dropOutboxRows();
  await commandWakeups().stop();
});

const submitted = (orgId: string, over: Parameters<typeof batchSubmission>[0] = {}) =>
  submitWorkload({ orgId, actorUserId: null, via: "api", submission: batchSubmission(over) });
const reload = (id: string) => prisma.workload.findUniqueOrThrow({ where: { id } });

/** The agent reports its pool with all but `available` GPUs busy (the engine's own jobs). */
async function busyPool(orgId: string, agentId: string, total: number, available = 0, quota: number | null = null) {
  await recordHeartbeat(orgId, agentId, {
    inventory: { pools: [{ ...h100Pool(total), available, quota }] },
    assignments: [],
  });
}
const seventyB = { model: "meta-llama/Llama-3.1-70B-Instruct", deadlineHours: 1 };

describe("planWorkload's outcomes", () => {
  it("leaves a workload it should not plan alone, and says why", async () => {
    const { org } = await orgWithAgent([h100Pool(8)]);
    const w = await submitted(org.id);
    await prisma.workload.update({ where: { id: w.id }, data: { status: "RUNNING" } });
    expect(await planWorkload(w.id)).toEqual({ outcome: "noop", detail: "workload is RUNNING" });
    expect(await planWorkload("no-such-workload")).toEqual({ outcome: "noop", detail: "workload is gone" });
  });

  it("fails an impossible job with its binding constraint, and keeps the Decision that says so", async () => {
    const { org } = await orgWithAgent([h100Pool(1)]);
    const w = await submitted(org.id, { model: "meta-llama/Llama-3.1-405B-Instruct", requests: 1_000_000 });
    const now = new Date("2026-11-02T12:00:00.000Z");
    const outcome = await planWorkload(w.id, { now });
    const [decision] = await prisma.decision.findMany({ where: { workloadId: w.id } });
    const plan = decision!.plan as { reason: string; binding: { constraint: string; detail: string } };
    const detail = `${plan.binding.constraint}: ${plan.binding.detail}`;
    expect(outcome).toEqual({ outcome: "failed", detail });
    expect(await reload(w.id)).toMatchObject({ status: "FAILED", statusDetail: detail, completedAt: now });
    expect(decision).toMatchObject({ kind: "initial", alternatives: [], reason: plan.reason });
    expect(plan.reason.length).toBeGreaterThan(0);
  });

  it("keeps the first 1,000 characters of a long reason as the status line, and answers it whole", async () => {
    // A pool of every catalog GPU, split roles allowed, and no replica reaches a 1 ms TPOT: the reason
    // names every GPU, TP degree and role it tried (each once, however many pools offer it).
    const pools = GPUS.map((g, i) => ({ ...h100Pool(8, `pool-${i}`), gpuType: g.id }));
    const { org } = await orgWithAgent(
      [...pools, h100Pool(8, "second-h100")],
      [...registration("sim").capabilities, "pd_disaggregation"],
    );
    const w = await submitWorkload({
      orgId: org.id,
      actorUserId: null,
      via: "api",
      submission: onlineSubmission({ avgOutputTokens: 200, ttftP95Ms: 1, tpotP95Ms: 1, allowDisaggregation: true }),
    });
    const outcome = await planWorkload(w.id);
    expect(outcome).toMatchObject({ outcome: "failed", detail: expect.stringMatching(/^latency: no replica meets/) });
    const detail = (outcome as { detail: string }).detail;
    expect(detail.match(/H100-SXM TP1,/g)).toHaveLength(1);
    expect(detail.length).toBeGreaterThan(1000);
    expect(await reload(w.id)).toMatchObject({ status: "FAILED", statusDetail: detail.slice(0, 1000) });
  });

  it("waits, naming what binds, when the job would fit once the pool's busy GPUs free up", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    await busyPool(org.id, agentId, 8);
    const w = await submitted(org.id);
    const outcome = await planWorkload(w.id);
    expect(outcome.outcome).toBe("waiting");
    const detail = (outcome as { detail: string }).detail;
    expect(detail.startsWith(`${WAITING_FOR_CAPACITY}: `)).toBe(true);
    expect(detail).not.toBe(`${WAITING_FOR_CAPACITY}: GPUs busy`);
    expect(await reload(w.id)).toMatchObject({ status: "PENDING", statusDetail: detail });
    expect(await prisma.decision.count({ where: { workloadId: w.id } })).toBe(0);
    // Reconcile plans a waiting (PENDING) workload again.
    expect((await planWorkload(w.id)).outcome).toBe("waiting");
  });

  it("waits when only the deadline binds on the free GPUs but the pool's busy ones would meet it", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(64)]);
    await busyPool(org.id, agentId, 64, 4);
    // ~3.5 h on the 4 free H100s; well inside the hour on the pool's 64.
    const w = await submitted(org.id, { ...seventyB, requests: 50_000 });
    const outcome = await planWorkload(w.id);
    expect(outcome).toMatchObject({ outcome: "waiting", detail: expect.stringContaining("past the 1h deadline") });
  });

  it("fails a job no freed pool could run with why it never could, not that the GPUs are busy now", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    await busyPool(org.id, agentId, 8);
    const w = await submitted(org.id, { requests: 5_000_000, deadlineHours: 0.1 });
    const outcome = await planWorkload(w.id);
    expect(outcome).toMatchObject({
      outcome: "failed",
      detail: expect.stringMatching(/^deadline: /),
    });
    expect((await reload(w.id)).statusDetail).toBe((outcome as { detail: string }).detail);
  });

  it("fails rather than waits when even the freed pool is too small under its quota", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    // The job needs two TP4 replicas (8 GPUs); the org may use 4 of the pool's 8.
    await busyPool(org.id, agentId, 8, 0, 4);
    const w = await submitted(org.id, { ...seventyB, requests: 20_000 });
    expect((await planWorkload(w.id)).outcome).toBe("failed");
    await busyPool(org.id, agentId, 8, 0, null);
    const unbounded = await submitted(org.id, { ...seventyB, requests: 20_000 });
    expect((await planWorkload(unbounded.id)).outcome).toBe("waiting");
  });

  it("asks an urgent job's lenders once: a job that already borrowed (its pause Decision) waits instead", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    await busyPool(org.id, agentId, 8);
    const first = await submitted(org.id, { priority: "urgent" });
    const outcome = await planWorkload(first.id);
    expect(outcome.outcome).toBe("rebalancing");
    expect((outcome as { detail: string }).detail.length).toBeGreaterThan(0);
    expect(await reload(first.id)).toMatchObject({
      status: "PENDING",
      statusDetail: "urgent: looking for GPUs lower-priority work can lend",
    });
    const job = await prisma.outboxEvent.findUniqueOrThrow({ where: { jobId: `rebalance-${first.id}` } });
    expect(job).toMatchObject({ jobName: "rebalance-for-workload", orgId: org.id, payload: { workloadId: first.id } });

    // Published outbox rows may be gone; the rebalancer's own Decision still says it has been tried.
    const second = await submitted(org.id, { priority: "urgent" });
    await prisma.decision.create({
      data: {
        orgId: org.id,
        workloadId: second.id,
        kind: "rebalance_pause",
        inputs: { urgentWorkloadId: second.id },
        plan: {},
        reason: "lent",
      },
    });
    expect((await planWorkload(second.id)).outcome).toBe("waiting");
    expect(await prisma.outboxEvent.count({ where: { jobId: `rebalance-${second.id}` } })).toBe(0);
  });

  it("asks lower-priority work to lend when an urgent job is held back by its pool's quota", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(16)]);
    // All 16 GPUs are free, but the org may use 4; the job needs two TP4 replicas (8 GPUs).
    await busyPool(org.id, agentId, 16, 16, 4);
    const w = await submitted(org.id, { ...seventyB, requests: 20_000, priority: "urgent" });
    expect(await planWorkload(w.id)).toEqual({
      outcome: "rebalancing",
      detail: "enough GPUs are free, but the pools' quotas stop the plan from using them",
    });
    expect(await prisma.outboxEvent.count({ where: { jobId: `rebalance-${w.id}` } })).toBe(1);
  });
});

describe("planWorkload's wake-ups", () => {
  const wakeups = recordWakeupsPerTest();

  it("wakes the agent it dispatched to, and no agent when it dispatched nothing", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    expect((await planWorkload((await submitted(org.id)).id)).outcome).toBe("dispatched");
    expect(await wakeups.take()).toEqual([agentId]);

    await busyPool(org.id, agentId, 8);
    expect((await planWorkload((await submitted(org.id)).id)).outcome).toBe("waiting");
    const impossible = await submitted(org.id, { model: "meta-llama/Llama-3.1-405B-Instruct", requests: 1_000_000 });
    expect((await planWorkload(impossible.id)).outcome).toBe("failed");
    expect(await wakeups.take()).toEqual([]);
  });
});
