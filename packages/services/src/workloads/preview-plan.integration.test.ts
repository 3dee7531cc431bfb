import { afterAll, describe, expect, it } from "vitest";
import type { TGpuPool } from "@koi/contracts/agent/heartbeat";
import type { TRegisterRequest } from "@koi/contracts/agent/register";
import { workloadOf } from "@koi/contracts/workloads/workloads";
import { AppError } from "@koi/core/app-error";
import { env } from "@koi/core/env";
import { getRedis } from "@koi/core/redis";
import { reserveTimeBudget, settleTimeBudget, type TTimeBudget } from "@koi/core/time-budget";
import { prisma, type Tx } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { recordHeartbeat } from "../agents/record-heartbeat.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { registration } from "../agents/test-fixtures.ts";
import { planOnOrgCapacity, previewPlan, previewPlanView } from "./preview-plan.ts";
import { submitWorkload } from "./submit-workload.ts";
import { a100Pool, batchSubmission, dropOutboxRows, h100Pool, orgWithAgent } from "./test-fixtures.ts";

// previewPlan on orgs whose agents and pools are laid out so each of planOnOrgCapacity's steps
// decides the answer: which engine's pools count, the re-route to Tuna, the first search on pools
// capped at 64 GPUs, and the re-size of a plan spread over pools onto one pool.

afterAll(async () => {
  await dropOutboxRows();
});

/** A further ONLINE agent of the org, running `engine` and reporting `pools`. */
async function addAgent(orgId: string, engine: TRegisterRequest["engine"], pools: TGpuPool[]) {
  const { agentId } = await registerAgent(orgId, "key_test", registration(engine));
  await recordHeartbeat(orgId, agentId, { inventory: { pools }, assignments: [] });
}

// 240,000 requests of batchSubmission in 2 h take 4 H100s (TP1).
const job = batchSubmission({ requests: 240_000 });
const cheapH100 = (available: number): TGpuPool => ({ ...h100Pool(available, "h100-cheap"), pricePerGpuHour: 2 });
const serverlessH100: TGpuPool = { ...h100Pool(16, "h100-serverless"), market: "serverless", pricePerGpuHour: 1 };

type TPreview = Awaited<ReturnType<typeof previewPlan>>;
/** Each replica group as "<GPUs the pool has>-GPU <price>/h pool × <count> TP<tp>". */
const groups = (p: TPreview) => {
  const pools = new Map(p.capacity.pools.map((x) => [x.id, `${x.available}-GPU ${x.pricePerGpuHour}/h pool`]));
  return p.plan.replicas.map((r) => `${pools.get(r.poolId)} × ${r.count} TP${r.tp}`).sort();
};
const poolKinds = (p: TPreview) => p.capacity.pools.map((x) => `${x.gpuType} ${x.market}`).sort();

describe("planOnOrgCapacity, through previewPlan", () => {
  it("re-plans a batch job whose cheapest plan is mostly serverless on the pools of Tuna agents, and says why", async () => {
    const { org } = await orgWithAgent([serverlessH100]); // the simulator runs for Orca and Tuna alike
    await addAgent(org.id, "orca", [h100Pool(16)]);
    await addAgent(org.id, "tuna", [a100Pool(16)]);
    const p = await previewPlan(org.id, job);
    expect(p).toMatchObject({ engine: "tuna", plan: { feasible: true, engine: "tuna" }, agentsOnline: 2 });
    expect(p.routeReason).toMatch(/mostly on serverless GPUs/);
    // Tuna's run: the Orca agent's pool is not the capacity the plan was made on.
    expect(poolKinds(p)).toEqual(["A100-80GB on-demand", "H100-SXM serverless"]);
    expect(groups(p)).toEqual(["16-GPU 1/h pool × 4 TP1"]);
  });

  it("keeps the plan on Orca, for the reason Orca was picked, when no Tuna agent can run it", async () => {
    const org = await createTestOrg();
    await addAgent(org.id, "orca", [serverlessH100]);
    const p = await previewPlan(org.id, job);
    expect(p).toMatchObject({ engine: "orca", plan: { feasible: true, engine: "orca" }, agentsOnline: 1 });
    expect(p.routeReason).toMatch(/^it is a batch job with a 2h deadline/);
    expect(groups(p)).toEqual(["16-GPU 1/h pool × 4 TP1"]);
    // The reason names the engine the plan goes to, once: not Tuna, which the first search pointed at.
    expect(p.plan.reason).toMatch(/ Engine: orca, because it is a batch job with a 2h deadline.*\.$/);
    expect(p.plan.reason.match(/Engine: /g)).toHaveLength(1);
  });

  it("says nothing fits in an org without agents", async () => {
    const org = await createTestOrg();
    const p = await previewPlan(org.id, job);
    expect(p).toMatchObject({ engine: "orca", plan: { feasible: false, replicas: [] }, capacity: { pools: [] } });
    expect(p.agentsOnline).toBe(0);
    expect(p.plan.binding?.constraint).toBe("availability");
  });

  it("searches a pool past 64 GPUs in full when the first, capped search finds no plan", async () => {
    const big = batchSubmission({ requests: 4_500_000 }); // 74 H100s
    const { org: alone } = await orgWithAgent([h100Pool(128)]);
    expect(groups(await previewPlan(alone.id, big))).toEqual(["128-GPU 6.88/h pool × 74 TP1"]);
    // A small pool beside it changes nothing: the big pool alone decides whether the search was capped.
    const { org: beside } = await orgWithAgent([h100Pool(128), a100Pool(8)]);
    const p = await previewPlan(beside.id, big);
    expect(p.plan.feasible).toBe(true);
    expect(groups(p)).toEqual(["128-GPU 6.88/h pool × 74 TP1"]);
  });

  it("keeps the plan the capped search finds, though the full pool would be cheaper", async () => {
    // 135 H100s: 64 + 64 + 7 on the capped pools; searching the 128-GPU pool in full (128 at $2/h and
    // 7 at $4/h) would cost less but take longer, and the first search's plan is good enough.
    const price = (pool: TGpuPool, pricePerGpuHour: number) => ({ ...pool, pricePerGpuHour });
    const pools = [price(h100Pool(128, "x"), 2), price(h100Pool(64, "y"), 4), price(h100Pool(64, "z"), 6.88)];
    const { org } = await orgWithAgent(pools);
    const p = await previewPlan(org.id, batchSubmission({ requests: 8_400_000 }));
    expect(p.plan.feasible).toBe(true);
    expect(groups(p)).toEqual(["128-GPU 2/h pool × 64 TP1", "64-GPU 4/h pool × 64 TP1", "64-GPU 6.88/h pool × 7 TP1"]);
  });

  it("moves a plan spread over two pools onto the pool of its largest group when that pool meets the deadline alone", async () => {
    // Cheapest: 1 GPU at $2/h and 3 at $6.88/h; one assignment runs on one pool, so all 4 at $6.88/h.
    const { org } = await orgWithAgent([cheapH100(1), h100Pool(16)]);
    const p = await previewPlan(org.id, job);
    expect(p.plan.feasible).toBe(true);
    expect(groups(p)).toEqual(["16-GPU 6.88/h pool × 4 TP1"]);
    expect(p.plan.costPerHour).toBeCloseTo(4 * 6.88, 6);
  });

  it("prices the runner-up of a plan moved onto one pool against the plan it became", async () => {
    const { org } = await orgWithAgent([cheapH100(1), h100Pool(16), a100Pool(16)]);
    const p = await previewPlan(org.id, job);
    expect(groups(p)).toEqual(["16-GPU 6.88/h pool × 4 TP1"]);
    expect(p.plan.alternatives.length).toBeGreaterThan(0);
    for (const a of p.plan.alternatives) expect(a.costDelta).toBeCloseTo(a.totalCost - p.plan.totalCost, 2);
    const next = p.plan.alternatives[0]!;
    expect(p.plan.reason).toContain(`The runner-up, ${next.summary}, would cost $`);
  });

  it("keeps a plan spread over pools when the largest group's pool cannot meet the deadline alone", async () => {
    // 3 GPUs at $2/h and 1 at $6.88/h; the $2/h pool has too few GPUs for the job on its own.
    const { org } = await orgWithAgent([cheapH100(3), h100Pool(16)]);
    const p = await previewPlan(org.id, job);
    expect(p.plan.feasible).toBe(true);
    expect(groups(p)).toEqual(["16-GPU 6.88/h pool × 1 TP1", "3-GPU 2/h pool × 3 TP1"]);
  });

  it("keeps a plan spread over pools when one pool alone would break the budget", async () => {
    // The spread plan costs about $38.8 in all, the 4 GPUs at $6.88/h about $47.2.
    const { org } = await orgWithAgent([cheapH100(1), h100Pool(16)]);
    const p = await previewPlan(org.id, { ...job, budgetUsd: 43 });
    expect(p.plan.feasible).toBe(true);
    expect(p.plan.totalCost).toBeLessThanOrEqual(43);
    expect(groups(p)).toEqual(["1-GPU 2/h pool × 1 TP1", "16-GPU 6.88/h pool × 3 TP1"]);
  });

  it("leaves a plan on one pool as the search over every pool gave it, runner-up and all", async () => {
    const { org } = await orgWithAgent([h100Pool(16), a100Pool(16)]);
    const p = await previewPlan(org.id, job);
    expect(groups(p)).toEqual(["16-GPU 6.88/h pool × 4 TP1"]);
    expect(p.plan.alternatives).toHaveLength(1);
    expect(p.plan.reason).toMatch(/The runner-up, 10 × A100-80GB TP1/);
  });

  it("sizes with the org's calibration: H100s measured at half the predicted speed on TP1 take TP2 replicas", async () => {
    const { org } = await orgWithAgent([h100Pool(16)]);
    expect(groups(await previewPlan(org.id, job))).toEqual(["16-GPU 6.88/h pool × 4 TP1"]);
    const state = { logRatios: [Math.log(0.5)], reports: 1, factor: 0.5 };
    await prisma.calibrationFactor.create({
      data: { orgId: org.id, model: "llama-3.1-8b", gpuType: "H100-SXM", tp: 1, state },
    });
    expect(groups(await previewPlan(org.id, job))).toEqual(["16-GPU 6.88/h pool × 3 TP2"]);
  });

  it("counts GPUs a job paused to lend to the workload being planned as free for that workload", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const pool = await prisma.gpuPool.findFirstOrThrow({ where: { agentId } });
    const submit = () => submitWorkload({ orgId: org.id, actorUserId: null, via: "api", submission: job });
    const [lender, urgent] = [await submit(), await submit()];
    const lent = await prisma.assignment.create({
      data: { orgId: org.id, agentId, workloadId: lender.id, state: "paused", placement: { poolId: pool.id, gpus: 8 } },
    });
    await prisma.decision.create({
      data: {
        orgId: org.id,
        workloadId: lender.id,
        kind: "rebalance_pause",
        inputs: { urgentWorkloadId: urgent.id, assignmentId: lent.id },
        plan: {},
        reason: "lent",
      },
    });
    const planFor = (forWorkloadId?: string) =>
      planOnOrgCapacity(org.id, job, workloadOf(job), prisma as unknown as Tx, forWorkloadId ? { forWorkloadId } : {});
    expect((await planFor(urgent.id)).plan.feasible).toBe(true);
    expect((await planFor()).plan.feasible).toBe(false);
  });

  it("leaves out the pools a caller excludes", async () => {
    const { org } = await orgWithAgent([h100Pool(16), a100Pool(16)]);
    const h100 = await prisma.gpuPool.findFirstOrThrow({ where: { orgId: org.id, gpuType: "H100-SXM" } });
    const { plan, org: capacity } = await planOnOrgCapacity(org.id, job, workloadOf(job), prisma as unknown as Tx, {
      poolIds: [h100.id],
    });
    expect(capacity.capacity.pools.map((p) => p.gpuType)).toEqual(["A100-80GB"]);
    expect(plan.replicas.map((r) => r.gpuType)).toEqual(["A100-80GB"]);
  });
});

describe("previewPlanView", () => {
  it("answers the preview's plan as the public plan view", async () => {
    const { org } = await orgWithAgent([h100Pool(16)]);
    const view = await previewPlanView(org.id, job);
    expect(view).toMatchObject({ feasible: true, engine: "orca", gpus: 4 });
    expect(view.reason).toBe((await previewPlan(org.id, job)).plan.reason);
  });
});

describe("the planning budget of an organisation's previews", () => {
  const budgetOf = (orgId: string): TTimeBudget => ({
    bucket: "plan-preview-ms",
    identity: orgId,
    budgetMs: env().KOI_PLAN_PREVIEW_MS_PER_MIN,
    windowMs: 60_000,
    reserveMs: env().KOI_PLAN_PREVIEW_MS_PER_MIN / 10,
  });

  it("charges each preview's planner time, and refuses previews once the minute's budget is spent", async () => {
    const { org } = await orgWithAgent([h100Pool(16)]);
    const budget = budgetOf(org.id);
    await previewPlanView(org.id, job);
    // What the preview took, read by holding (and then settling) one more reservation.
    const spent = (await reserveTimeBudget(getRedis(), budget)).spentMs - budget.reserveMs;
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThan(budget.reserveMs);

    await settleTimeBudget(getRedis(), budget, budget.budgetMs);
    const refused = await previewPlanView(org.id, job).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: expect.any(Number) });
    expect((refused as AppError).message).toMatch(/planning time for this minute/);

    const { org: other } = await orgWithAgent([h100Pool(16)]);
    expect((await previewPlanView(other.id, job)).feasible).toBe(true);
  });
});

describe("previewPlan says what submitting would do", () => {
  it("dispatch when a plan fits, wait while the GPUs it needs are busy, fail when no capacity ever meets it", async () => {
    const { org } = await orgWithAgent([h100Pool(8)]);
    expect((await previewPlanView(org.id, job)).onSubmit).toBe("dispatch");

    // The engine reports its 8 H100s busy: the job fits once they free up, so it would wait.
    const busy = await orgWithAgent([{ ...h100Pool(8), available: 0 }]);
    expect(await previewPlanView(busy.org.id, job)).toMatchObject({ feasible: false, onSubmit: "wait" });

    // Five million requests in six minutes: not even all eight H100s free could, so it would fail,
    // and on the busy pool too the reason is the deadline, not the GPUs busy now.
    const doomed = batchSubmission({ requests: 5_000_000, deadlineHours: 0.1 });
    for (const orgId of [org.id, busy.org.id])
      expect(await previewPlanView(orgId, doomed)).toMatchObject({
        feasible: false,
        binding: { constraint: "deadline" },
        onSubmit: "fail",
      });
  });
});
