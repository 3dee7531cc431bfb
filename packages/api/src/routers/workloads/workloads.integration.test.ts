import { TRPCError } from "@trpc/server";
import { beforeEach, describe, expect, it } from "vitest";
import type { TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { ZPlanView } from "@koi/contracts/workloads/workloads-api";
import { prisma, type Role } from "@koi/db";
import { addTestMember, createTestOrg } from "@koi/db/factories";
import { callerAs } from "../../testing/callers.ts";
import { createCapacity, createRunningWorkload } from "@koi/services/testing/workload-fixtures";

async function expectCode(promise: Promise<unknown>, code: TRPCError["code"]) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe(code);
}

async function memberOf(orgId: string, role: Role) {
  const user = await addTestMember(orgId, role);
  return { user, caller: callerAs(user.id, orgId) };
}

const batch: TWorkloadSubmission = {
  kind: "batch",
  model: "meta-llama/Llama-3.1-8B",
  requests: 2000,
  avgInputTokens: 500,
  avgOutputTokens: 200,
  deadlineHours: 4,
  name: "nightly eval",
};

async function snapshot(orgId: string) {
  const [workloads, decisions, assignments, outbox, audit] = await Promise.all([
    prisma.workload.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    prisma.decision.count({ where: { orgId } }),
    prisma.assignment.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    prisma.outboxEvent.count({ where: { orgId } }),
    prisma.auditEvent.count({ where: { orgId } }),
  ]);
  return { workloads, decisions, assignments, outbox, audit };
}

async function makeWorld() {
  const orgA = await createTestOrg();
  const ownerA = await memberOf(orgA.id, "OWNER");
  const memberA = await memberOf(orgA.id, "MEMBER");
  const viewerA = await memberOf(orgA.id, "VIEWER");
  const capA = await createCapacity(orgA.id);
  const runningA = await createRunningWorkload(orgA.id, { agentId: capA.agent.id });
  const orgB = await createTestOrg();
  const ownerB = await memberOf(orgB.id, "OWNER");
  return { orgA, ownerA, memberA, viewerA, capA, runningA, orgB, ownerB };
}

let w: Awaited<ReturnType<typeof makeWorld>>;
beforeEach(async () => {
  w = await makeWorld();
});

describe("workloads.list / get", () => {
  it("lists the org's workloads with filters", async () => {
    const all = await w.viewerA.caller.workloads.list();
    expect(all.map((x) => x.id)).toEqual([w.runningA.workload.id]);
    expect(all[0]).toMatchObject({ status: "RUNNING", health: "AT_RISK", progress: { completed: 400, total: 1000 } });
    expect(await w.viewerA.caller.workloads.list({ status: "COMPLETED" })).toEqual([]);
    expect(await w.viewerA.caller.workloads.list({ kind: "online" })).toEqual([]);
    expect((await w.viewerA.caller.workloads.list({ search: "LLAMA" })).length).toBe(1);
    expect(await w.viewerA.caller.workloads.list({ search: "nothing-like-this" })).toEqual([]);
  });

  it("returns the detail: decisions, assignments with placement and metrics, forecast points, usage by component", async () => {
    const d = await w.viewerA.caller.workloads.get({ workloadId: w.runningA.workload.id });
    expect(d.workload.forecast?.missProbability).toBe(0.3);
    expect(d.decisions).toHaveLength(1);
    expect(d.decisions[0]!.alternatives[0]).toMatchObject({ summary: "1× A100-80GB on-demand", costDelta: 4 });
    expect(d.assignments[0]).toMatchObject({
      state: "running",
      engine: "sim",
      placement: { gpuType: "H100-SXM", gpus: 2 },
      metrics: { tokensPerSecond: 5000, gpuUtilPct: 87, batchSize: 64, kvCacheHitRate: 0.4 },
    });
    expect(d.forecastPoints).toHaveLength(1);
    expect(d.usageByComponent).toEqual([
      { component: "spot", costUsd: 10, seconds: 7200 },
      { component: "serverless", costUsd: 2, seconds: 600 },
    ]);
    expect(d.projectedCostUsd).toBeCloseTo(30);
    expect(d.currentCostPerHour).toBeNull();
  });

  it("projects the finish cost at the size it runs now: after a scale-up to 2 replicas, not the original plan", async () => {
    const { assignment, workload } = w.runningA;
    // What forecast-workload writes when it scales 1 → 2 replicas of $2.50/h each.
    await prisma.assignment.update({
      where: { id: assignment.id },
      data: {
        placement: { gpuType: "H100-SXM", market: "spot", tp: 1, replicas: 2, gpus: 2, replicaCostPerHour: 2.5 },
      },
    });
    const p50 = Date.parse((workload.forecast as { p50: string }).p50);
    const before = Date.now();
    const d = await w.viewerA.caller.workloads.get({ workloadId: workload.id });
    const after = Date.now();
    expect(d.currentCostPerHour).toBe(5);
    // Spent $12 + $5/h until the P50 finish.
    expect(d.projectedCostUsd!).toBeGreaterThanOrEqual(12 + (5 * (p50 - after)) / 3_600_000);
    expect(d.projectedCostUsd!).toBeLessThanOrEqual(12 + (5 * (p50 - before)) / 3_600_000);
    expect(d.projectedCostUsd).not.toBeCloseTo(workload.predictedCostUsd!);
  });
});

describe("workloads.preview / submit", () => {
  it("previews a plan on the org's live capacity without writing anything", async () => {
    const before = await snapshot(w.orgA.id);
    const p = await w.viewerA.caller.workloads.preview(batch);
    expect(p.feasible).toBe(true);
    expect(p.engine).toBe("orca");
    expect(p.gpus).toBeGreaterThan(0);
    expect(p.costPerHour).toBeGreaterThan(0);
    expect(p.predictedHours).toBeLessThanOrEqual(4);
    expect(p.reason.length).toBeGreaterThan(0);
    // The same public plan view `POST /api/v1/workloads/plan` answers, with the P90 finish and start-up.
    expect(ZPlanView.parse(p)).toEqual(p);
    expect(p.predictedHoursP90).toBeGreaterThanOrEqual(p.predictedHours!);
    expect(p.startupHours).toBeGreaterThan(0);
    expect(await snapshot(w.orgA.id)).toEqual(before);
  });

  it("reports the binding constraint when nothing fits", async () => {
    const p = await w.viewerA.caller.workloads.preview({ ...batch, requests: 50_000_000, deadlineHours: 0.1 });
    expect(p.feasible).toBe(false);
    expect(p.binding?.constraint).toBeTruthy();
  });

  it("submits as a member (workload PENDING + plan job) and refuses viewers", async () => {
    const res = await w.memberA.caller.workloads.submit(batch);
    const row = await prisma.workload.findUniqueOrThrow({ where: { id: res.id } });
    expect(row).toMatchObject({
      orgId: w.orgA.id,
      status: "PENDING",
      name: "nightly eval",
      submittedVia: "ui",
      createdById: w.memberA.user.id,
    });
    await expectCode(w.viewerA.caller.workloads.submit(batch), "FORBIDDEN");
    await expectCode(w.memberA.caller.workloads.submit({ ...batch, requests: -1 }), "BAD_REQUEST");
  });

  it("refuses an unknown model at once, as /api/v1 does, naming the closest models and writing nothing", async () => {
    const before = await snapshot(w.orgA.id);
    const submitted = await w.memberA.caller.workloads
      .submit({ ...batch, model: "meta-llama/Llama-3.1-8Bx-Instruct-typo" })
      .catch((e: unknown) => e);
    expect(submitted).toBeInstanceOf(TRPCError);
    expect((submitted as TRPCError).code).toBe("BAD_REQUEST");
    expect((submitted as TRPCError).message).toMatch(/unknown model .*did you mean/);
    await expectCode(w.viewerA.caller.workloads.preview({ ...batch, model: "no-such-model-xyz" }), "BAD_REQUEST");
    expect(await snapshot(w.orgA.id)).toEqual(before);
  });

  it("cancels as a member and refuses viewers", async () => {
    const { id } = await w.memberA.caller.workloads.submit(batch);
    await expectCode(w.viewerA.caller.workloads.cancel({ workloadId: id }), "FORBIDDEN");
    await w.memberA.caller.workloads.cancel({ workloadId: id });
    expect((await prisma.workload.findUniqueOrThrow({ where: { id } })).status).toBe("CANCELLED");
  });
});

describe("workloads — tenant isolation", () => {
  it("refuses another org's workload as NOT_FOUND and changes no row", async () => {
    const before = await snapshot(w.orgA.id);
    const b = w.ownerB.caller;
    await expectCode(b.workloads.get({ workloadId: w.runningA.workload.id }), "NOT_FOUND");
    await expectCode(b.workloads.cancel({ workloadId: w.runningA.workload.id }), "NOT_FOUND");
    expect(await b.workloads.list()).toEqual([]);
    expect(await b.workloads.list({ search: w.runningA.workload.id })).toEqual([]);
    // B has no capacity: A's pools never appear in B's plan.
    const p = await b.workloads.preview(batch);
    expect(p.feasible).toBe(false);
    await b.workloads.submit(batch);
    expect(await snapshot(w.orgA.id)).toEqual(before);
  });

  it("refuses every procedure when the session names an org the user is not in", async () => {
    const before = await snapshot(w.orgA.id);
    const intruder = callerAs(w.ownerB.user.id, w.orgA.id);
    await expectCode(intruder.workloads.list(), "NOT_FOUND");
    await expectCode(intruder.workloads.get({ workloadId: w.runningA.workload.id }), "NOT_FOUND");
    await expectCode(intruder.workloads.preview(batch), "NOT_FOUND");
    await expectCode(intruder.workloads.submit(batch), "NOT_FOUND");
    await expectCode(intruder.workloads.cancel({ workloadId: w.runningA.workload.id }), "NOT_FOUND");
    expect(await snapshot(w.orgA.id)).toEqual(before);
  });
});
