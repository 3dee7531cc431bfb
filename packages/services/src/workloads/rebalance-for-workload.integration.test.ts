import { afterAll, describe, expect, it } from "vitest";
import type { TGpuPool } from "@koi/contracts/agent/heartbeat";
import type { TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { prisma, type AgentStatus, type Prisma, type WorkloadStatus } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { decisions } from "@koi/core/metrics/koi-metrics";
import { formatDuration } from "@koi/planner";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { recordHeartbeat } from "../agents/record-heartbeat.ts";
import { registerAgent } from "../agents/register-agent.ts";
import { recordWakeupsPerTest, registration } from "../agents/test-fixtures.ts";
import { WAITING_FOR_CAPACITY } from "./plan-workload.ts";
import type { TPlacementRecord } from "./read-stored-json.ts";
import { rebalanceForWorkload } from "./rebalance-for-workload.ts";
import { batchSubmission, holdOrgPlanningLock } from "./test-fixtures.ts";

// rebalanceForWorkload called directly on rows set up in exactly the state it reads: when it does
// nothing, which workloads lend, how a lender's rate is judged, when it declines (and what the
// urgent workload is told), and what pausing or shrinking a lender writes.
//
// Numbers used throughout (Llama-3.1-8B, 1,000 + 300 tokens a request): the planner runs the urgent
// job at ~14.9 requests/s per H100 (TP1). An urgent job of 50,000 requests due in an hour needs
// 50,000 × 1.1 / (3,600 − 600 s start-up) ≈ 18.3 requests/s: 2 GPUs; one of 100,000 needs 36.7: 3.
// Lenders' placements claim 10,000 tokens/s a replica: 7.7 requests/s per GPU.

// The agents each call wakes after commit (its `wake` list), heard on the wake-up channel.
const wakeups = recordWakeupsPerTest();

const orgIds: string[] = [];
afterAll(async () => {
  // No worker relays these rows here; later test files count the shared database's outbox.
  await prisma.outboxEvent.deleteMany({ where: { orgId: { in: orgIds }, publishedAt: null } });
  await commandWakeups().stop();
});

const T = new Date("2026-11-02T12:00:00.000Z");
const HOUR = 3600;
const at = (seconds: number) => new Date(T.getTime() + seconds * 1000);
const epochSeconds = (seconds: number) => T.getTime() / 1000 + seconds;
const URGENT_NAME = "urgent-eval";
const URGENT_DETAIL = "urgent: looking for GPUs lower-priority work can lend";
/** How the planner names a pool in sentences: registration()'s cluster, then GPU and market. */
const POOL = "us-east's H100-SXM on-demand pool";
const EVEN_PAUSED = "(even with lower-priority work paused)";
/** The decline when no GPU of the pool can be lent: the planner's binding constraint, quoted. */
const NO_FREE_GPUS = `availability: the pools have too few free GPUs for even one replica (H100-SXM TP1 in ${POOL}, H100-SXM TP2 in ${POOL}, H100-SXM TP4 in ${POOL}) ${EVEN_PAUSED}`;
/** A loan's slack as the planner words it in explanations (hours and minutes). */
const EARLY = "still done \\d+h\\d\\dm early";

async function newOrg() {
  const org = await createTestOrg();
  orgIds.push(org.id);
  return org.id;
}

/** An H100 on-demand pool as an agent reports it: `available` of `total` free (the rest busy). */
function h100(total: number, available: number, over: Partial<TGpuPool> = {}): TGpuPool {
  return {
    id: "h100-od",
    gpuType: "H100-SXM",
    market: "on-demand",
    total,
    available,
    quota: null,
    pricePerGpuHour: 6.88,
    ...over,
  };
}

/** A registered agent reporting `pools`, then set to `status`; returns it and its GpuPool ids by external id. */
async function addAgent(orgId: string, pools: TGpuPool[], o: { engine?: "sim" | "tuna"; status?: AgentStatus } = {}) {
  const { agentId } = await registerAgent(orgId, "key_test", registration(o.engine ?? "sim"));
  await recordHeartbeat(orgId, agentId, { inventory: { pools }, assignments: [] });
  if (o.status) await prisma.agent.update({ where: { id: agentId }, data: { status: o.status } });
  const rows = await prisma.gpuPool.findMany({ where: { agentId } });
  const poolId = (externalId = "h100-od") => rows.find((p) => p.externalId === externalId)!.id;
  return { agentId, poolId };
}

type TLenderOptions = {
  priority?: string;
  replicas: number;
  tp?: number;
  /** Seconds after T; null: no deadline. */
  deadline?: number | null;
  total?: number;
  done?: number;
  status?: WorkloadStatus;
  kind?: "batch" | "online";
  forecast?: Prisma.InputJsonValue;
  /** State of its assignment; null: it has none. */
  state?: string | null;
};

const onlineSpec: TWorkloadSubmission = {
  kind: "online",
  model: "meta-llama/Llama-3.1-8B-Instruct",
  requestsPerSecond: 4,
  avgInputTokens: 1000,
  avgOutputTokens: 300,
  ttftP95Ms: 2000,
  tpotP95Ms: 50,
};

/** The placement of `replicas` TP-`tp` replicas on a pool, as dispatchPlan records it. */
function placement(agentId: string, poolId: string, replicas: number, tp = 1): TPlacementRecord {
  return {
    poolId,
    agentId,
    gpuType: "H100-SXM",
    market: "on-demand",
    tp,
    pp: 1,
    replicas,
    gpus: replicas * tp,
    predictedTps: 10_000,
    rawPredictedTps: 10_000,
    replicaCostPerHour: 6.88 * tp,
  };
}

async function addAssignment(
  orgId: string,
  agentId: string,
  workloadId: string,
  place: TPlacementRecord,
  state = "running",
  createdAt = at(-HOUR),
) {
  return prisma.assignment.create({
    data: {
      orgId,
      agentId,
      workloadId,
      state,
      placement: place as unknown as Prisma.InputJsonValue,
      progressTotal: 20_000,
      createdAt,
    },
  });
}

/** A running batch workload (20,000 requests, nothing done, due 48 h after T) holding replicas on the pool. */
async function addLender(orgId: string, agentId: string, poolId: string, o: TLenderOptions) {
  const spec = o.kind === "online" ? onlineSpec : batchSubmission();
  const deadline = o.deadline === undefined ? 48 * HOUR : o.deadline;
  const w = await prisma.workload.create({
    data: {
      orgId,
      name: `${o.priority ?? "normal"}-job`,
      kind: o.kind ?? "batch",
      model: spec.model,
      spec: spec as unknown as Prisma.InputJsonValue,
      priority: o.priority ?? "normal",
      status: o.status ?? "RUNNING",
      statusDetail: "running",
      deadlineAt: deadline === null ? null : at(deadline),
      progressTotal: o.total ?? 20_000,
      progressDone: o.done ?? 0,
      engine: "orca",
      startedAt: at(-HOUR),
      ...(o.forecast !== undefined ? { forecast: o.forecast } : {}),
    },
  });
  const state = o.state === undefined ? "running" : o.state;
  const a =
    state === null
      ? null
      : await addAssignment(orgId, agentId, w.id, placement(agentId, poolId, o.replicas, o.tp), state);
  return { w, a };
}

/** The urgent batch workload, PENDING as planWorkload leaves it when it asks for a rebalance. */
async function addUrgent(
  orgId: string,
  o: {
    requests?: number;
    deadline?: number | null;
    priority?: "low" | "normal" | "high" | "urgent";
    status?: WorkloadStatus;
    spec?: TWorkloadSubmission;
  } = {},
) {
  const priority = o.priority ?? "urgent";
  const spec = o.spec ?? batchSubmission({ priority, requests: o.requests ?? 50_000, deadlineHours: 1 });
  const deadline = o.deadline === undefined ? HOUR : o.deadline;
  return prisma.workload.create({
    data: {
      orgId,
      name: URGENT_NAME,
      kind: spec.kind,
      model: spec.model,
      spec: spec as unknown as Prisma.InputJsonValue,
      priority,
      status: o.status ?? "PENDING",
      statusDetail: URGENT_DETAIL,
      deadlineAt: deadline === null ? null : at(deadline),
      progressTotal: spec.kind === "batch" ? spec.requests : 0,
    },
  });
}

/** An org whose only pool (8 H100s, none free) is all held by one lender of the given options. */
async function orgWithLender(o: Partial<TLenderOptions> = {}) {
  const orgId = await newOrg();
  const { agentId, poolId } = await addAgent(orgId, [h100(8, 0)]);
  const lender = await addLender(orgId, agentId, poolId(), { priority: "low", replicas: 8, ...o });
  return { orgId, agentId, poolId: poolId(), lender };
}

const reload = (id: string) => prisma.workload.findUniqueOrThrow({ where: { id } });
const commandsOf = (orgId: string) =>
  prisma.command
    .findMany({ where: { orgId }, orderBy: { createdAt: "asc" } })
    .then((rows) => rows.map((c) => ({ assignmentId: c.assignmentId, type: c.type, payload: c.payload })));
const outboxOf = (orgId: string) =>
  prisma.outboxEvent
    .findMany({ where: { orgId }, orderBy: { createdAt: "asc" } })
    .then((rows) => rows.map((e) => ({ jobName: e.jobName, jobId: e.jobId, payload: e.payload })));
async function pausesCounted(): Promise<number> {
  const { values } = await decisions.get();
  return values.find((v) => v.labels.kind === "rebalance_pause")?.value ?? 0;
}
const pausesOf = (orgId: string) =>
  prisma.decision.findMany({ where: { orgId, kind: "rebalance_pause" }, orderBy: { createdAt: "asc" } });

/** What rebalanceForWorkload writes in an org: commands, decisions, outbox rows. */
async function writesOf(orgId: string) {
  return {
    commands: await commandsOf(orgId),
    decisions: await prisma.decision.count({ where: { orgId } }),
    outbox: await outboxOf(orgId),
  };
}

/** A decline leaves the urgent job PENDING with this line, queues its plan again, and touches nothing else. */
async function expectDeclined(orgId: string, urgentId: string, detail: string) {
  expect(await reload(urgentId)).toMatchObject({
    status: "PENDING",
    statusDetail: `${WAITING_FOR_CAPACITY}: ${detail}`,
  });
  expect(await writesOf(orgId)).toEqual({
    commands: [],
    decisions: 0,
    outbox: [{ jobName: "plan-workload", jobId: `plan-${urgentId}-not-rebalanced`, payload: { workloadId: urgentId } }],
  });
  expect(await wakeups.take()).toEqual([]);
}

/** The planner's explanation when lending `gpus` of the pool would make `lenderId` late by `late`. */
const cannotMeet = (urgentId: string, lenderId: string, late: string, gpus = 2) =>
  `rebalance: cannot meet every SLO: ${lenderId} late by ${late}; best effort gives ${urgentId} ${gpus} GPUs of ${POOL} (lent)`;

/** The same, late by some hours and minutes. */
const lateBySome = (urgentId: string, lenderId: string) =>
  new RegExp(`^${escape(cannotMeet(urgentId, lenderId, "LATE")).replace("LATE", "\\d+h\\d\\dm")}$`);

describe("rebalanceForWorkload when there is nothing to do", () => {
  it("is a no-op for a workload that does not exist", async () => {
    expect(await rebalanceForWorkload("no-such-workload", T)).toEqual({ outcome: "noop", detail: "workload is gone" });
    expect(await wakeups.take()).toEqual([]);
  });

  it.each(["PLANNING", "DISPATCHING", "RUNNING", "PAUSED", "COMPLETED", "FAILED", "CANCELLED"] as const)(
    "leaves a %s workload alone, though a lender is there",
    async (status) => {
      // Only a PENDING workload is still waiting for GPUs; any other is planned, placed or over.
      const { orgId, lender } = await orgWithLender();
      const urgent = await addUrgent(orgId, { status });

      expect(await rebalanceForWorkload(urgent.id, T)).toEqual({ outcome: "noop", detail: `workload is ${status}` });
      expect(await reload(urgent.id)).toMatchObject({ status, statusDetail: URGENT_DETAIL });
      expect(await reload(lender.w.id)).toMatchObject({ status: "RUNNING", statusDetail: "running" });
      expect(await writesOf(orgId)).toEqual({ commands: [], decisions: 0, outbox: [] });
      expect(await wakeups.take()).toEqual([]);
    },
  );

  it("does not borrow twice: a rebalance_pause Decision naming the workload makes it a no-op", async () => {
    const { orgId, lender } = await orgWithLender();
    const urgent = await addUrgent(orgId);
    await prisma.decision.create({
      data: {
        orgId,
        workloadId: lender.w.id,
        kind: "rebalance_pause",
        inputs: { urgentWorkloadId: urgent.id },
        plan: {},
        alternatives: [],
        reason: "lent earlier",
      },
    });

    expect(await rebalanceForWorkload(urgent.id, T)).toEqual({ outcome: "noop", detail: "already rebalanced" });
    expect(await reload(urgent.id)).toMatchObject({ status: "PENDING", statusDetail: URGENT_DETAIL });
    expect(await writesOf(orgId)).toEqual({ commands: [], decisions: 1, outbox: [] });
    expect(await wakeups.take()).toEqual([]);
  });

  it("waits for the org's planning lock, since it hands out GPUs", async () => {
    // Even its no-op answer comes after a planning run in the same org: GPUs it reads must not be
    // taken meanwhile.
    const orgId = await newOrg();
    const urgent = await addUrgent(orgId, { status: "RUNNING" });
    const planner = await holdOrgPlanningLock(orgId);
    const rebalance = rebalanceForWorkload(urgent.id, T);
    const first = await Promise.race([
      rebalance.then(() => "answered"),
      new Promise((resolve) => setTimeout(() => resolve("waited for the planner"), 1_500)),
    ]);
    await planner.release();
    expect(await rebalance).toEqual({ outcome: "noop", detail: "workload is RUNNING" });
    expect(first).toBe("waited for the planner");
  });
});

describe("rebalanceForWorkload: which workloads lend", () => {
  // The lender holds the pool's only 8 GPUs; the urgent job needs 2 of them.
  it.each([
    { urgent: "urgent", lender: "high" },
    { urgent: "urgent", lender: "normal" },
    { urgent: "high", lender: "normal" },
    { urgent: "normal", lender: "low" },
  ] as const)("a $lender job lends to a $urgent one", async ({ urgent: priority, lender: lenderPriority }) => {
    const { orgId, lender } = await orgWithLender({ priority: lenderPriority });
    const urgent = await addUrgent(orgId, { priority });

    expect(await rebalanceForWorkload(urgent.id, T)).toMatchObject({ outcome: "rebalanced" });
    expect(await commandsOf(orgId)).toEqual([{ assignmentId: lender.a!.id, type: "scale", payload: { count: 6 } }]);
  });

  it.each([
    { urgent: "urgent", lender: "urgent" },
    { urgent: "high", lender: "high" },
    { urgent: "normal", lender: "normal" },
    { urgent: "normal", lender: "high" },
  ] as const)("a $lender job never lends to a $urgent one", async ({ urgent: priority, lender: lenderPriority }) => {
    // Only strictly lower priority lends: the pool counts as full, whatever slack the job has.
    const { orgId, lender } = await orgWithLender({ priority: lenderPriority });
    const urgent = await addUrgent(orgId, { priority });

    expect(await rebalanceForWorkload(urgent.id, T)).toEqual({ outcome: "declined", detail: NO_FREE_GPUS });
    await expectDeclined(orgId, urgent.id, NO_FREE_GPUS);
    expect(await reload(lender.w.id)).toMatchObject({ status: "RUNNING", statusDetail: "running" });
  });

  it.each([
    ["an online service", { kind: "online" }],
    ["a PAUSED workload", { status: "PAUSED" }],
    ["a workload without a deadline", { deadline: null }],
    ["a workload whose only assignment is paused (it holds no GPUs)", { state: "paused" }],
    ["a workload whose only assignment is lost", { state: "lost" }],
    ["a workload with no assignment", { state: null }],
  ] as const)("%s never lends", async (_, over) => {
    const orgId = await newOrg();
    const { agentId, poolId } = await addAgent(orgId, [h100(8, 0)]);
    const other = await addLender(orgId, agentId, poolId(), { priority: "low", replicas: 8, ...over });
    const urgent = await addUrgent(orgId);

    expect(await rebalanceForWorkload(urgent.id, T)).toEqual({ outcome: "declined", detail: NO_FREE_GPUS });
    await expectDeclined(orgId, urgent.id, NO_FREE_GPUS);
    expect((await reload(other.w.id)).statusDetail).toBe("running");
  });

  it("a workload on the pool of an OFFLINE agent never lends", async () => {
    const orgId = await newOrg();
    await addAgent(orgId, [h100(8, 0)]);
    const offline = await addAgent(orgId, [h100(8, 0, { id: "h100-b" })], { status: "OFFLINE" });
    await addLender(orgId, offline.agentId, offline.poolId("h100-b"), { priority: "low", replicas: 8 });
    const urgent = await addUrgent(orgId);

    expect(await rebalanceForWorkload(urgent.id, T)).toEqual({ outcome: "declined", detail: NO_FREE_GPUS });
    await expectDeclined(orgId, urgent.id, NO_FREE_GPUS);
  });

  it("a prefill/decode split never lends: its engine cannot pause or shrink it", async () => {
    const orgId = await newOrg();
    const { agentId, poolId } = await addAgent(orgId, [h100(8, 0)]);
    const split = await addLender(orgId, agentId, poolId(), { priority: "low", replicas: 8 });
    await prisma.assignment.update({
      where: { id: split.a!.id },
      data: { placement: { ...(split.a!.placement as Prisma.JsonObject), split: true } },
    });
    const urgent = await addUrgent(orgId);

    expect(await rebalanceForWorkload(urgent.id, T)).toEqual({ outcome: "declined", detail: NO_FREE_GPUS });
    await expectDeclined(orgId, urgent.id, NO_FREE_GPUS);
    expect((await reload(split.w.id)).statusDetail).toBe("running");
  });

  it("lends from its newest live assignment: not an older live one, nor a newer one that ended", async () => {
    const orgId = await newOrg();
    const { agentId, poolId } = await addAgent(orgId, [h100(16, 0)]);
    const { w } = await addLender(orgId, agentId, poolId(), { priority: "low", replicas: 2, state: null });
    // Inserted oldest first, so a query that forgets the order or the state filter picks another.
    const older = await addAssignment(orgId, agentId, w.id, placement(agentId, poolId(), 2), "running", at(-3 * HOUR));
    const newest = await addAssignment(orgId, agentId, w.id, placement(agentId, poolId(), 8), "running", at(-2 * HOUR));
    const ended = await addAssignment(orgId, agentId, w.id, placement(agentId, poolId(), 4), "lost", at(-HOUR));
    const urgent = await addUrgent(orgId);

    expect(await rebalanceForWorkload(urgent.id, T)).toMatchObject({ outcome: "rebalanced" });
    expect(await commandsOf(orgId)).toEqual([{ assignmentId: newest.id, type: "scale", payload: { count: 6 } }]);
    expect((await pausesOf(orgId)).map((d) => d.inputs)).toMatchObject([
      { assignmentId: newest.id, replicasBefore: 8, replicasAfter: 6 },
    ]);
    expect(await commandsOf(orgId)).not.toContainEqual(expect.objectContaining({ assignmentId: older.id }));
    expect(await commandsOf(orgId)).not.toContainEqual(expect.objectContaining({ assignmentId: ended.id }));
  });

  it("counts only pools whose agent can run the urgent job: a cheaper free pool of a Tuna agent is not used", async () => {
    // The 1-hour batch job goes to Orca (or the simulator). Counted, the Tuna agent's 8 free and
    // cheaper GPUs would be chosen and nobody would lend.
    const orgId = await newOrg();
    const { agentId, poolId } = await addAgent(orgId, [h100(8, 0)]);
    await addAgent(orgId, [h100(8, 8, { id: "h100-tuna", pricePerGpuHour: 2 })], { engine: "tuna" });
    const { a } = await addLender(orgId, agentId, poolId(), { priority: "low", replicas: 8 });
    const urgent = await addUrgent(orgId);

    const outcome = await rebalanceForWorkload(urgent.id, T);
    expect(outcome.detail).toMatch(new RegExp(`^${urgent.id} gets 2 GPUs of ${POOL} \\(lent\\); shrink `));
    expect(await commandsOf(orgId)).toEqual([{ assignmentId: a!.id, type: "scale", payload: { count: 6 } }]);
  });

  it("sizes the loan in the urgent job's own replicas: TP2 replicas take 4 GPUs where its rate needs 3", async () => {
    // Qwen2.5-32B runs TP2 at ~4.1 requests/s per GPU; 30,000 requests in the hour need 11/s: 2.7
    // GPUs, so two replicas. The TP1 lender gives exactly those 4.
    const { orgId, lender } = await orgWithLender();
    const spec = batchSubmission({ model: "Qwen/Qwen2.5-32B-Instruct", priority: "urgent", requests: 30_000 });
    const urgent = await addUrgent(orgId, { spec });

    const outcome = await rebalanceForWorkload(urgent.id, T);
    expect(outcome.detail).toMatch(new RegExp(`^${urgent.id} gets 4 GPUs of ${POOL} \\(lent\\); shrink `));
    expect(await commandsOf(orgId)).toEqual([{ assignmentId: lender.a!.id, type: "scale", payload: { count: 4 } }]);
  });

  it("counts pipeline stages in the urgent job's replicas: a TP2 × PP2 replica of a 70B model takes 4 GPUs", async () => {
    // On machines of 2 GPUs a 70B replica spans two (TP2 × PP2); one replica covers the 2,000
    // requests' rate, which one GPU's worth of that rate would suggest.
    const orgId = await newOrg();
    const { agentId, poolId } = await addAgent(orgId, [h100(8, 0, { shape: { gpusPerMachine: 2 } })]);
    const { a } = await addLender(orgId, agentId, poolId(), { priority: "low", replicas: 8 });
    const spec = batchSubmission({ model: "meta-llama/Llama-3.1-70B-Instruct", priority: "urgent", requests: 2_000 });
    const urgent = await addUrgent(orgId, { spec });

    const outcome = await rebalanceForWorkload(urgent.id, T);
    expect(outcome.detail).toMatch(new RegExp(`^${urgent.id} gets 4 GPUs of ${POOL} \\(lent\\); shrink `));
    expect(await commandsOf(orgId)).toEqual([{ assignmentId: a!.id, type: "scale", payload: { count: 4 } }]);
  });
});

describe("rebalanceForWorkload declines", () => {
  it("when even every lender's GPUs would not be enough, naming the binding constraint", async () => {
    // 400,000 requests in an hour need ~1.6 h on all 8 GPUs.
    const { orgId, lender } = await orgWithLender();
    const urgent = await addUrgent(orgId, { requests: 400_000 });

    const detail =
      "deadline: with every available GPU the job needs 1.63 h, past the 1h deadline (after the safety margin) " +
      EVEN_PAUSED;
    expect(await rebalanceForWorkload(urgent.id, T)).toEqual({ outcome: "declined", detail });
    await expectDeclined(orgId, urgent.id, detail);
    expect(await reload(lender.w.id)).toMatchObject({ status: "RUNNING", statusDetail: "running" });
  });

  it.each([
    ["a batch job without a deadline", { deadline: null }],
    ["an online service, even with a deadline on the row", { spec: onlineSpec }],
  ] as const)("for %s: only batch work with a deadline borrows", async (_, over) => {
    // Before, the decline quoted the planner's reason for a plan that fits ("infeasible: Serve 4
    // req/s … (even with lower-priority work paused)"), which said nothing of why nobody lent.
    const { orgId } = await orgWithLender();
    const urgent = await addUrgent(orgId, over);

    const detail = "only batch work with a deadline can borrow GPUs from lower-priority work";
    expect(await rebalanceForWorkload(urgent.id, T)).toEqual({ outcome: "declined", detail });
    await expectDeclined(orgId, urgent.id, detail);
  });

  it("cuts the waiting line at 1,000 characters, though the outcome keeps the whole reason", async () => {
    // Eight one-GPU lenders due in 1.5 h, each late if paused for the loan: the planner's best
    // effort names the pool (on a cluster with the longest name registration allows) once per
    // lender, and every lender that would be late, well past 1,000 characters.
    const orgId = await newOrg();
    const base = registration("sim");
    const { agentId } = await registerAgent(orgId, "key_test", {
      ...base,
      cluster: { ...base.cluster, name: "c".repeat(128) },
    });
    await recordHeartbeat(orgId, agentId, { inventory: { pools: [h100(8, 0)] }, assignments: [] });
    const [pool] = await prisma.gpuPool.findMany({ where: { agentId } });
    for (let i = 0; i < 8; i++)
      await addLender(orgId, agentId, pool!.id, { priority: "low", replicas: 1, deadline: 5_400 });
    const urgent = await addUrgent(orgId, { requests: 200_000 });

    const outcome = await rebalanceForWorkload(urgent.id, T);
    expect(outcome).toMatchObject({
      outcome: "declined",
      detail: expect.stringMatching(/^rebalance: cannot meet every SLO/),
    });
    expect(outcome.detail.length).toBeGreaterThan(1000);
    expect((await reload(urgent.id)).statusDetail).toBe(`${WAITING_FOR_CAPACITY}: ${outcome.detail}`.slice(0, 1000));
  });

  it("when lending would make the lender miss its own deadline, with the planner's explanation", async () => {
    // 20,000 requests at 61.5/s take 325 s of the 360 left: not one GPU to spare.
    const { orgId, lender } = await orgWithLender({ deadline: 360 });
    const urgent = await addUrgent(orgId);

    const outcome = await rebalanceForWorkload(urgent.id, T);
    expect(outcome).toEqual({ outcome: "declined", detail: expect.stringMatching(/^rebalance: /) });
    expect(outcome.detail).toMatch(lateBySome(urgent.id, lender.w.id));
    await expectDeclined(orgId, urgent.id, outcome.detail);
  });
});

describe("rebalanceForWorkload with a pool quota", () => {
  it("adds the lenders' GPUs to the quota as well as to what is available", async () => {
    // 16 GPUs, 8 free, but a quota of 8 that the lender's 8 use up: without giving the quota back
    // too, the urgent job would look impossible.
    const orgId = await newOrg();
    const { agentId, poolId } = await addAgent(orgId, [h100(16, 8, { quota: 8 })]);
    const { a } = await addLender(orgId, agentId, poolId(), { priority: "low", replicas: 8 });
    const urgent = await addUrgent(orgId);

    const outcome = await rebalanceForWorkload(urgent.id, T);
    expect(outcome.outcome).toBe("rebalanced");
    expect(outcome.detail).toMatch(new RegExp(`^${urgent.id} gets 2 GPUs of ${POOL} \\(lent\\); shrink `));
    expect(await commandsOf(orgId)).toEqual([{ assignmentId: a!.id, type: "scale", payload: { count: 6 } }]);
  });
});

describe("rebalanceForWorkload: a lender's rate from its latest forecast", () => {
  // Modelled, the lender finishes its 20,000 requests in 325 s of the 2 h it has: plenty to lend.
  const TWO_HOURS = 2 * HOUR;

  it("a forecast finishing sooner than modelled changes nothing: it lends as modelled", async () => {
    const { orgId, lender } = await orgWithLender({ deadline: TWO_HOURS, forecast: { p50: at(100).toISOString() } });
    const urgent = await addUrgent(orgId);

    expect(await rebalanceForWorkload(urgent.id, T)).toMatchObject({ outcome: "rebalanced" });
    expect(await commandsOf(orgId)).toEqual([{ assignmentId: lender.a!.id, type: "scale", payload: { count: 6 } }]);
  });

  it("a half-done lender's forecast rate counts the requests it has left: due just before its deadline, it lends nothing", async () => {
    // 10,000 of 20,000 left by T + 7,000 s: 1.4 requests/s, no slack before T + 2 h. Counting all
    // 20,000 (or 30,000) would make it look two or three times faster.
    const { orgId, lender } = await orgWithLender({
      deadline: TWO_HOURS,
      done: 10_000,
      forecast: { p50: at(7_000).toISOString() },
    });
    const urgent = await addUrgent(orgId);

    const outcome = await rebalanceForWorkload(urgent.id, T);
    expect(outcome.detail).toMatch(lateBySome(urgent.id, lender.w.id));
    await expectDeclined(orgId, urgent.id, outcome.detail);
  });

  it("a forecast finishing later than modelled means the slower rate: a lender falling behind lends nothing", async () => {
    // 20,000 requests by T + 7,100 s: 2.8 requests/s, which leaves no slack before T + 2 h.
    const { orgId, lender } = await orgWithLender({ deadline: TWO_HOURS, forecast: { p50: at(7_100).toISOString() } });
    const urgent = await addUrgent(orgId);

    const outcome = await rebalanceForWorkload(urgent.id, T);
    expect(outcome.detail).toMatch(lateBySome(urgent.id, lender.w.id));
    await expectDeclined(orgId, urgent.id, outcome.detail);
  });

  it.each([
    ["says it never finishes", { p50: null }],
    ["has a median finish already past", { p50: at(-60).toISOString() }],
    ["has a median finish right now", { p50: T.toISOString() }],
  ] as const)("a lender whose forecast %s counts as stalled and lends nothing", async (_, forecast) => {
    const { orgId } = await orgWithLender({ deadline: TWO_HOURS, forecast });
    const urgent = await addUrgent(orgId);

    // Not a lender at all: the urgent job is sized on the pool without its GPUs, and does not fit.
    const outcome = await rebalanceForWorkload(urgent.id, T);
    expect(outcome).toMatchObject({ outcome: "declined" });
    expect(outcome.detail).toMatch(/^availability: .* \(even with lower-priority work paused\)$/);
    await expectDeclined(orgId, urgent.id, outcome.detail);
  });

  it("a stalled lower-priority job does not stop a healthy one from lending", async () => {
    // Before: the stalled `low` job was taken first (a rate of 0 read as GPUs it could spare), could
    // then never finish, and the whole rebalance was declined ("late by ∞") though the `normal` job
    // had 48 h of slack.
    const orgId = await newOrg();
    const { agentId, poolId } = await addAgent(orgId, [h100(8, 0)]);
    const stalled = await addLender(orgId, agentId, poolId(), {
      priority: "low",
      replicas: 4,
      forecast: { p50: at(-60).toISOString() },
    });
    const healthy = await addLender(orgId, agentId, poolId(), { priority: "normal", replicas: 4 });
    const urgent = await addUrgent(orgId);

    expect(await rebalanceForWorkload(urgent.id, T)).toMatchObject({ outcome: "rebalanced" });
    const commands = await commandsOf(orgId);
    expect(commands.map((c) => c.assignmentId)).toEqual([healthy.a!.id]);
    expect(commands.map((c) => c.assignmentId)).not.toContain(stalled.a!.id);
  });
});

describe("rebalanceForWorkload pauses or shrinks lenders", () => {
  it("pauses a lender that must give all its replicas", async () => {
    // 2 of the pool's 8 GPUs are the lender's, the rest busy elsewhere; the urgent job needs 2.
    const orgId = await newOrg();
    const { agentId, poolId } = await addAgent(orgId, [h100(8, 0)]);
    const { w, a } = await addLender(orgId, agentId, poolId(), { priority: "normal", replicas: 2 });
    const urgent = await addUrgent(orgId);
    const counted = await pausesCounted();

    const outcome = await rebalanceForWorkload(urgent.id, T);
    expect(outcome.outcome).toBe("rebalanced");
    expect(await pausesCounted()).toBe(counted + 1);
    expect(outcome.detail).toMatch(
      new RegExp(`^${urgent.id} gets 2 GPUs of ${POOL} \\(lent\\); pause ${w.id} −2 GPUs of ${POOL} \\(${EARLY}\\)$`),
    );

    const [pause, ...more] = await pausesOf(orgId);
    expect(more).toEqual([]);
    expect(pause!.workloadId).toBe(w.id);
    const plan = pause!.plan as { deadline: number; predictedFinish: number };
    expect(plan).toEqual({
      workloadId: w.id,
      kind: "pause",
      poolId: poolId(),
      gpus: 2,
      returnAt: expect.any(Number),
      predictedFinish: expect.any(Number),
      deadline: epochSeconds(48 * HOUR),
    });
    // Paused, it restarts after the loan and still has hours to spare.
    expect(plan.predictedFinish).toBeGreaterThan(epochSeconds(600));
    expect(plan.predictedFinish).toBeLessThan(epochSeconds(3 * HOUR));
    const slack = `finishes ${formatDuration(plan.deadline - plan.predictedFinish)} before its deadline`;
    expect(pause!.inputs).toEqual({
      urgentWorkloadId: urgent.id,
      urgentName: URGENT_NAME,
      assignmentId: a!.id,
      action: "pause",
      replicasBefore: 2,
      replicasAfter: 0,
      rebalance: expect.objectContaining({ feasible: true, explanation: outcome.detail }),
    });
    expect(pause!.reason).toBe(`Paused for urgent ${URGENT_NAME}; still meets its SLO: ${slack}. ${outcome.detail}`);
    expect(pause!.alternatives).toEqual([]);

    expect(await commandsOf(orgId)).toEqual([{ assignmentId: a!.id, type: "pause", payload: {} }]);
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: a!.id } })).toMatchObject({
      state: "paused",
      placement: placement(agentId, poolId(), 2),
    });
    expect(await reload(w.id)).toMatchObject({
      status: "PAUSED",
      statusDetail: `paused for ${URGENT_NAME}; still meets its SLO: ${slack}`,
    });
    // The urgent job is planned again, onto the GPUs now reserved for it.
    expect(await reload(urgent.id)).toMatchObject({ status: "PENDING", statusDetail: URGENT_DETAIL });
    expect(await outboxOf(orgId)).toEqual([
      { jobName: "plan-workload", jobId: `plan-${urgent.id}-rebalanced`, payload: { workloadId: urgent.id } },
    ]);
    expect(await wakeups.take()).toEqual([agentId]);
  });

  it("shrinks a lender of TP2 replicas by the whole replicas it gives", async () => {
    // The urgent job needs 3 GPUs: 2 TP2 replicas of the lender's 4. The lender has done half of
    // its 20,000 requests; the 10,000 left take it 650 s at half its 30.8 requests/s, within the
    // 1,200 s it has (all 20,000 would not fit).
    const orgId = await newOrg();
    const { agentId, poolId } = await addAgent(orgId, [h100(8, 0)]);
    const { w, a } = await addLender(orgId, agentId, poolId(), {
      priority: "low",
      replicas: 4,
      tp: 2,
      deadline: 1_200,
      done: 10_000,
    });
    const urgent = await addUrgent(orgId, { requests: 100_000 });

    const outcome = await rebalanceForWorkload(urgent.id, T);
    expect(outcome.outcome).toBe("rebalanced");
    expect(outcome.detail).toMatch(
      new RegExp(`^${urgent.id} gets 4 GPUs of ${POOL} \\(lent\\); shrink ${w.id} −4 GPUs of ${POOL} \\(${EARLY}\\)$`),
    );

    const [pause, ...more] = await pausesOf(orgId);
    expect(more).toEqual([]);
    const plan = pause!.plan as { deadline: number; predictedFinish: number };
    expect(plan).toMatchObject({ workloadId: w.id, kind: "shrink", gpus: 4, deadline: epochSeconds(1_200) });
    expect(plan.predictedFinish).toBeGreaterThan(epochSeconds(600));
    expect(plan.predictedFinish).toBeLessThan(epochSeconds(700));
    const slack = `finishes ${formatDuration(plan.deadline - plan.predictedFinish)} before its deadline`;
    expect(pause!.inputs).toEqual({
      urgentWorkloadId: urgent.id,
      urgentName: URGENT_NAME,
      assignmentId: a!.id,
      action: "shrink",
      replicasBefore: 4,
      replicasAfter: 2,
      rebalance: expect.objectContaining({ feasible: true, explanation: outcome.detail }),
    });
    expect(pause!.reason).toBe(
      `Shrunk by 2 replicas for urgent ${URGENT_NAME}; still meets its SLO: ${slack}. ${outcome.detail}`,
    );

    expect(await commandsOf(orgId)).toEqual([{ assignmentId: a!.id, type: "scale", payload: { count: 2 } }]);
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: a!.id } })).toMatchObject({
      state: "running",
      placement: { ...placement(agentId, poolId(), 4, 2), replicas: 2, gpus: 4 },
    });
    expect(await reload(w.id)).toMatchObject({
      status: "RUNNING",
      statusDetail: `lent 4 GPUs to ${URGENT_NAME}; still meets its SLO: ${slack}`,
    });
    expect(await outboxOf(orgId)).toEqual([
      { jobName: "plan-workload", jobId: `plan-${urgent.id}-rebalanced`, payload: { workloadId: urgent.id } },
    ]);
    expect(await wakeups.take()).toEqual([agentId]);
  });

  it("lends a pipelined lender's GPUs in whole replicas: TP1 × PP2 replicas give 4 GPUs where 3 are needed", async () => {
    // The urgent job needs 3 GPUs; the lender's replicas span 2 GPUs each, so 2 of its 4 go.
    const orgId = await newOrg();
    const { agentId, poolId } = await addAgent(orgId, [h100(8, 0)]);
    const { w } = await addLender(orgId, agentId, poolId(), { priority: "low", replicas: 4, state: null });
    const a = await addAssignment(orgId, agentId, w.id, { ...placement(agentId, poolId(), 4), pp: 2, gpus: 8 });
    const urgent = await addUrgent(orgId, { requests: 100_000 });

    const outcome = await rebalanceForWorkload(urgent.id, T);
    expect(outcome.detail).toMatch(
      new RegExp(`^${urgent.id} gets 4 GPUs of ${POOL} \\(lent\\); shrink ${w.id} −4 GPUs of ${POOL} \\(${EARLY}\\)$`),
    );
    expect(await commandsOf(orgId)).toEqual([{ assignmentId: a.id, type: "scale", payload: { count: 2 } }]);
  });

  it("takes from the lowest priority first, then the next: each lender gets its own command", async () => {
    // The urgent job needs 3 GPUs. The low job (2 GPUs) is paused though the normal one (6 GPUs)
    // has more slack; the normal one gives the third.
    const orgId = await newOrg();
    const { agentId, poolId } = await addAgent(orgId, [h100(8, 0)]);
    const normal = await addLender(orgId, agentId, poolId(), { priority: "normal", replicas: 6 });
    const low = await addLender(orgId, agentId, poolId(), { priority: "low", replicas: 2 });
    const urgent = await addUrgent(orgId, { requests: 100_000 });

    expect(await rebalanceForWorkload(urgent.id, T)).toMatchObject({ outcome: "rebalanced" });
    expect(await commandsOf(orgId)).toEqual(
      expect.arrayContaining([
        { assignmentId: low.a!.id, type: "pause", payload: {} },
        { assignmentId: normal.a!.id, type: "scale", payload: { count: 5 } },
      ]),
    );
    expect(await commandsOf(orgId)).toHaveLength(2);
    expect(await reload(low.w.id)).toMatchObject({ status: "PAUSED" });
    expect(await reload(normal.w.id)).toMatchObject({
      status: "RUNNING",
      statusDetail: expect.stringMatching(new RegExp(`^lent 1 GPUs to ${URGENT_NAME}; still meets its SLO: finishes `)),
    });
    const pauses = await pausesOf(orgId);
    expect(pauses).toHaveLength(2);
    expect(pauses.find((d) => d.workloadId === low.w.id)?.inputs).toMatchObject({
      assignmentId: low.a!.id,
      action: "pause",
      replicasBefore: 2,
      replicasAfter: 0,
    });
    expect(pauses.find((d) => d.workloadId === normal.w.id)?.inputs).toMatchObject({
      assignmentId: normal.a!.id,
      action: "shrink",
      replicasBefore: 6,
      replicasAfter: 5,
    });
    expect(await wakeups.take()).toEqual([agentId]);
  });
});

/** `text` as a literal inside a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
