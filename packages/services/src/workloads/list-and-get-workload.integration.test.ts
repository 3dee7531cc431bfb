import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "@koi/core/app-error";
import { prisma, Prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { registerAgent } from "../agents/register-agent.ts";
import { registration } from "../agents/test-fixtures.ts";
import { findOrgWorkload } from "./find-org-workload.ts";
import { getWorkload } from "./get-workload.ts";
import { listWorkloads, type TWorkloadFilter } from "./list-workloads.ts";
import { toWorkloadView } from "./to-workload-view.ts";

// The dashboard's list and detail pages (and GET /api/v1/workloads[/{id}]) read through these two
// functions: keyset paging that must show each row once, filters and search, tenancy, and the
// detail page's decisions, assignments, forecast history and cost by component.

const orgIds: string[] = [];
afterAll(async () => {
  // No worker relays these rows here; later test files count the shared database's outbox.
  await prisma.outboxEvent.deleteMany({ where: { orgId: { in: orgIds }, publishedAt: null } });
});

const T = new Date("2026-01-10T00:00:00.000Z");
const minutes = (n: number) => new Date(T.getTime() + n * 60_000);
const suffix = () => randomBytes(4).toString("hex");

async function newOrg() {
  const org = await createTestOrg();
  orgIds.push(org.id);
  return org;
}

function addWorkload(orgId: string, over: Partial<Prisma.WorkloadUncheckedCreateInput> = {}) {
  return prisma.workload.create({
    data: { orgId, name: "nightly-eval", kind: "batch", model: "meta-llama/Llama-3.1-8B-Instruct", spec: {}, ...over },
  });
}

const ids = (list: { items: { id: string }[] }) => list.items.map((w) => w.id);
const cursorOf = (text: string) => Buffer.from(text).toString("base64url");

/** Every page of `filter` from the first, following nextCursor until it is null. */
async function allPages(orgId: string, filter: TWorkloadFilter) {
  const pages: { ids: string[]; nextCursor: string | null }[] = [];
  let cursor: string | undefined;
  do {
    const page = await listWorkloads(orgId, { ...filter, cursor });
    pages.push({ ids: ids(page), nextCursor: page.nextCursor });
    cursor = page.nextCursor ?? undefined;
    if (pages.length > 20) throw new Error("paging does not end");
  } while (cursor);
  return pages;
}

/**
 * Five workloads, three created at the same instant so the id tie-break decides their order and a
 * page boundary falls inside the tie. Inserted out of order: the order must come from the query.
 */
async function fiveWorkloads() {
  const org = await newOrg();
  const s = suffix();
  const id = (k: string) => `wl-${s}-${k}`;
  for (const [k, at] of [
    ["b", minutes(10)],
    ["e", minutes(0)],
    ["a", minutes(10)],
    ["z", minutes(20)],
    ["c", minutes(10)],
  ] as const)
    await addWorkload(org.id, { id: id(k), createdAt: at, name: `job-${k}` });
  // Newest first; at minute 10, id descending.
  return { org, newestFirst: [id("z"), id("c"), id("b"), id("a"), id("e")] };
}

describe("listWorkloads order and paging", () => {
  it("lists the newest first, rows created at the same instant by id descending", async () => {
    const { org, newestFirst } = await fiveWorkloads();
    const list = await listWorkloads(org.id, { limit: 10 });
    expect(ids(list)).toEqual(newestFirst);
    expect(list.nextCursor).toBeNull();
  });

  it("pages through every row exactly once, the last page without a cursor", async () => {
    const { org, newestFirst } = await fiveWorkloads();
    const pages = await allPages(org.id, { limit: 2 });
    // The second page starts inside the tie at minute 10: the cursor must compare ids too.
    expect(pages.map((p) => p.ids)).toEqual([newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)]);
    expect(pages.map((p) => p.nextCursor === null)).toEqual([false, false, true]);

    const single = await allPages(org.id, { limit: 1 });
    expect(single.flatMap((p) => p.ids)).toEqual(newestFirst);
    expect(single.at(-1)?.nextCursor).toBeNull();
  });

  it("has no next cursor when the rows left fill the page exactly", async () => {
    const { org, newestFirst } = await fiveWorkloads();
    expect(await listWorkloads(org.id, { limit: 5 })).toMatchObject({ nextCursor: null });
    // Four rows on the first page, then exactly one left for a page of four.
    const pages = await allPages(org.id, { limit: 4 });
    expect(pages).toEqual([
      { ids: newestFirst.slice(0, 4), nextCursor: expect.any(String) },
      { ids: newestFirst.slice(4), nextCursor: null },
    ]);
    // Two rows left for a page of two: full, and still the last.
    const third = await listWorkloads(org.id, { limit: 3 });
    const rest = await listWorkloads(org.id, { limit: 2, cursor: third.nextCursor! });
    expect(rest).toMatchObject({ nextCursor: null });
    expect(ids(rest)).toEqual(newestFirst.slice(3));
  });

  it("encodes the cursor as the last row's creation time and id", async () => {
    const { org, newestFirst } = await fiveWorkloads();
    const page = await listWorkloads(org.id, { limit: 3 });
    expect(Buffer.from(page.nextCursor!, "base64url").toString("utf8")).toBe(
      `${minutes(10).toISOString()}|${newestFirst[2]}`,
    );
  });

  it("shows each row as its workload view", async () => {
    const org = await newOrg();
    const w = await addWorkload(org.id, {
      name: "chat",
      kind: "online",
      model: "Qwen/Qwen2.5-7B-Instruct",
      priority: "urgent",
      status: "RUNNING",
      health: "AT_RISK",
      engine: "tuna",
      budgetUsd: 12,
      costUsd: 3.5,
      createdAt: minutes(0),
      startedAt: minutes(2),
      forecast: { missProbability: 0.3 },
    });
    expect((await listWorkloads(org.id, { limit: 10 })).items).toEqual([
      {
        id: w.id,
        name: "chat",
        kind: "online",
        model: "Qwen/Qwen2.5-7B-Instruct",
        priority: "urgent",
        status: "RUNNING",
        health: "AT_RISK",
        engine: "tuna",
        statusDetail: null,
        progress: { completed: 0, total: 0, estimated: null },
        costUsd: 3.5,
        predictedCostUsd: null,
        budgetUsd: 12,
        deadlineAt: null,
        forecast: { p10: null, p50: null, p90: null, missProbability: 0.3, explanation: null },
        createdAt: "2026-01-10T00:00:00.000Z",
        startedAt: "2026-01-10T00:02:00.000Z",
        completedAt: null,
      },
    ]);
  });

  it("is empty for an org without workloads", async () => {
    const org = await newOrg();
    expect(await listWorkloads(org.id, { limit: 10 })).toEqual({ items: [], nextCursor: null });
  });
});

describe("listWorkloads cursor checks", () => {
  it.each([
    ["base64url of garbage", cursorOf("garbage")],
    ["a string without |", cursorOf("2026-01-10T00:00:00.000Z")],
    ["a time that is not a date", cursorOf("not-a-date|wl-1")],
    ["no id after the |", cursorOf("2026-01-10T00:00:00.000Z|")],
    ["characters outside base64url", "%%%"],
    // Both reached Postgres and answered 500: year 0 does not exist there, and text cannot hold NUL.
    ["a time in year 0", cursorOf("0000-01-01T00:00:00Z|x")],
    ["an id holding a NUL", cursorOf("2026-12-31T00:00:00Z|a\u0000b")],
  ])("refuses a cursor that is %s as BAD_REQUEST on the cursor field", async (_what, cursor) => {
    const org = await newOrg();
    const err = await listWorkloads(org.id, { limit: 10, cursor }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({
      code: "BAD_REQUEST",
      message: "cursor is not a cursor this API returned.",
      fields: { cursor: "invalid cursor" },
    });
  });

  it("accepts a cursor it did not hand out when it reads as a time and an id", async () => {
    // The cursor is only a position: any (time, id) pair is a valid place to resume from.
    const { org, newestFirst } = await fiveWorkloads();
    const list = await listWorkloads(org.id, { limit: 10, cursor: cursorOf(`${minutes(15).toISOString()}|any-id`) });
    expect(ids(list)).toEqual(newestFirst.slice(1));
  });
});

describe("listWorkloads filters", () => {
  it("keeps only the statuses asked for, and all of them for an empty list", async () => {
    const org = await newOrg();
    const made: Record<string, string> = {};
    for (const [i, status] of (["PENDING", "RUNNING", "PAUSED", "COMPLETED", "FAILED"] as const).entries())
      made[status] = (await addWorkload(org.id, { status, createdAt: minutes(i) })).id;
    expect(ids(await listWorkloads(org.id, { limit: 10, status: ["RUNNING", "PAUSED"] }))).toEqual([
      made.PAUSED,
      made.RUNNING,
    ]);
    expect(ids(await listWorkloads(org.id, { limit: 10, status: ["COMPLETED", "FAILED", "PENDING"] }))).toEqual([
      made.FAILED,
      made.COMPLETED,
      made.PENDING,
    ]);
    expect(ids(await listWorkloads(org.id, { limit: 10, status: ["CANCELLED"] }))).toEqual([]);
    expect(await listWorkloads(org.id, { limit: 10, status: [] })).toMatchObject({ items: { length: 5 } });
  });

  it("keeps only the kind asked for", async () => {
    const org = await newOrg();
    const batch = await addWorkload(org.id, { kind: "batch", createdAt: minutes(0) });
    const online = await addWorkload(org.id, { kind: "online", createdAt: minutes(1) });
    expect(ids(await listWorkloads(org.id, { limit: 10, kind: "online" }))).toEqual([online.id]);
    expect(ids(await listWorkloads(org.id, { limit: 10, kind: "batch" }))).toEqual([batch.id]);
    expect(ids(await listWorkloads(org.id, { limit: 10 }))).toEqual([online.id, batch.id]);
  });

  it("combines status, kind and search", async () => {
    const org = await newOrg();
    const hit = await addWorkload(org.id, { name: "eval-a", kind: "batch", status: "RUNNING", createdAt: minutes(0) });
    await addWorkload(org.id, { name: "eval-b", kind: "online", status: "RUNNING", createdAt: minutes(1) });
    await addWorkload(org.id, { name: "eval-c", kind: "batch", status: "PAUSED", createdAt: minutes(2) });
    await addWorkload(org.id, { name: "train-d", kind: "batch", status: "RUNNING", createdAt: minutes(3) });
    expect(ids(await listWorkloads(org.id, { limit: 10, status: ["RUNNING"], kind: "batch", search: "eval" }))).toEqual(
      [hit.id],
    );
  });
});

describe("listWorkloads search", () => {
  async function twoWorkloads() {
    const org = await newOrg();
    const s = suffix();
    const eval_ = await addWorkload(org.id, {
      id: `wl-${s}-eval`,
      name: "Nightly-Eval-March",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      createdAt: minutes(0),
    });
    const chat = await addWorkload(org.id, {
      id: `wl-${s}-chat`,
      name: "support-bot",
      model: "Qwen/Qwen2.5-7B-Instruct",
      createdAt: minutes(1),
    });
    return { org, eval_, chat };
  }

  it("finds part of the name in any case", async () => {
    const { org, eval_ } = await twoWorkloads();
    expect(ids(await listWorkloads(org.id, { limit: 10, search: "nightly-EVAL" }))).toEqual([eval_.id]);
    expect(ids(await listWorkloads(org.id, { limit: 10, search: "march" }))).toEqual([eval_.id]);
  });

  it("finds part of the model in any case", async () => {
    const { org, eval_, chat } = await twoWorkloads();
    expect(ids(await listWorkloads(org.id, { limit: 10, search: "qwen2.5" }))).toEqual([chat.id]);
    expect(ids(await listWorkloads(org.id, { limit: 10, search: "LLAMA-3.1-8b" }))).toEqual([eval_.id]);
    // In both: every model here is an "-Instruct" one.
    expect(ids(await listWorkloads(org.id, { limit: 10, search: "instruct" }))).toEqual([chat.id, eval_.id]);
  });

  it("finds the exact id, but not part of it", async () => {
    const { org, chat } = await twoWorkloads();
    expect(ids(await listWorkloads(org.id, { limit: 10, search: chat.id }))).toEqual([chat.id]);
    expect(ids(await listWorkloads(org.id, { limit: 10, search: chat.id.slice(0, -1) }))).toEqual([]);
    expect(ids(await listWorkloads(org.id, { limit: 10, search: chat.id.toUpperCase() }))).toEqual([]);
  });

  it("finds nothing for text in neither name, model nor id", async () => {
    const { org } = await twoWorkloads();
    expect(await listWorkloads(org.id, { limit: 10, search: "mistral" })).toEqual({ items: [], nextCursor: null });
  });

  it("pages through the search results only", async () => {
    const org = await newOrg();
    const hits: string[] = [];
    for (let i = 0; i < 5; i++) {
      const w = await addWorkload(org.id, { name: i % 2 ? `other-${i}` : `eval-${i}`, createdAt: minutes(i) });
      if (i % 2 === 0) hits.unshift(w.id);
    }
    const pages = await allPages(org.id, { limit: 2, search: "EVAL" });
    expect(pages.map((p) => p.ids)).toEqual([hits.slice(0, 2), hits.slice(2)]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
  });
});

describe("listWorkloads tenancy", () => {
  it("never lists another org's rows, not even by exact id", async () => {
    const org = await newOrg();
    const other = await newOrg();
    const mine = await addWorkload(org.id, { name: "shared-name", createdAt: minutes(0) });
    const theirs = await addWorkload(other.id, { name: "shared-name", createdAt: minutes(1) });
    expect(ids(await listWorkloads(org.id, { limit: 10 }))).toEqual([mine.id]);
    expect(ids(await listWorkloads(org.id, { limit: 10, search: "shared" }))).toEqual([mine.id]);
    expect(ids(await listWorkloads(org.id, { limit: 10, search: theirs.id }))).toEqual([]);
    expect(ids(await listWorkloads(other.id, { limit: 10 }))).toEqual([theirs.id]);
  });
});

describe("findOrgWorkload", () => {
  it("finds the org's workload, and treats another org's, a missing or a malformed id as NOT_FOUND", async () => {
    const org = await newOrg();
    const other = await newOrg();
    const w = await addWorkload(org.id);
    expect(await findOrgWorkload(org.id, w.id)).toEqual(w);
    for (const [orgId, id] of [
      [other.id, w.id],
      [org.id, "no-such-workload"],
      [org.id, ""],
      [org.id, undefined],
      [org.id, "x".repeat(129)],
    ] as const) {
      const err = await findOrgWorkload(orgId, id).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: "NOT_FOUND", message: "No such workload." });
    }
  });

  it("still looks up an id of exactly 128 characters (the longest id Koi issues)", async () => {
    const org = await newOrg();
    const id = `wl${suffix()}`.padEnd(128, "0");
    const w = await addWorkload(org.id, { id });
    expect(await findOrgWorkload(org.id, id)).toEqual(w);
  });

  it("treats an id over 128 characters as malformed, even when a row has that id", async () => {
    const org = await newOrg();
    const id = `wl${suffix()}`.padEnd(129, "0");
    await addWorkload(org.id, { id });
    const err = await findOrgWorkload(org.id, id).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "NOT_FOUND", message: "No such workload." });
  });
});

/** A placement as plan-workload writes it; `replicaCostPerHour` × `replicas` is what it costs now. */
const placement = (agentId: string, replicaCostPerHour: number, replicas: number) => ({
  poolId: "h100-od",
  agentId,
  gpuType: "H100-SXM",
  market: "on-demand",
  tp: 1,
  pp: 1,
  replicas,
  gpus: replicas,
  predictedTps: 4000,
  rawPredictedTps: 4200,
  replicaCostPerHour,
});

describe("getWorkload", () => {
  it("is NOT_FOUND for another org's workload", async () => {
    const org = await newOrg();
    const other = await newOrg();
    const w = await addWorkload(org.id);
    const err = await getWorkload(other.id, w.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: "NOT_FOUND" });
  });

  it("shows a workload with no assignments: no usage, no price, the plan's projected cost", async () => {
    const org = await newOrg();
    const w = await addWorkload(org.id, {
      predictedCostUsd: 42,
      spec: { kind: "batch", requests: 100 },
      submittedVia: "api",
      createdAt: minutes(0),
    });
    expect(await getWorkload(org.id, w.id)).toEqual({
      workload: toWorkloadView(w),
      submittedVia: "api",
      spec: { kind: "batch", requests: 100 },
      projectedCostUsd: 42,
      currentCostPerHour: null,
      decisions: [],
      assignments: [],
      forecastPoints: [],
      usageByComponent: [],
      online: null,
    });
  });

  it("shows a spec stored as JSON null as an empty object", async () => {
    // The column is required but Prisma accepts a JSON null in it; the page must still render.
    const org = await newOrg();
    const w = await addWorkload(org.id, { spec: Prisma.JsonNull });
    expect((await getWorkload(org.id, w.id)).spec).toEqual({});
  });

  it("lists decisions oldest first, with their plan and alternatives read defensively", async () => {
    const org = await newOrg();
    const w = await addWorkload(org.id);
    const later = await prisma.decision.create({
      data: {
        orgId: org.id,
        workloadId: w.id,
        kind: "scale_up",
        inputs: {},
        plan: {
          gpus: 4,
          costPerHour: 27.52,
          replicas: [{ count: 4, gpuType: "H100-SXM", tp: 1, market: "on-demand" }],
        },
        alternatives: "not a list",
        reason: "behind the deadline",
        createdAt: minutes(30),
      },
    });
    const first = await prisma.decision.create({
      data: {
        orgId: org.id,
        workloadId: w.id,
        kind: "initial",
        inputs: {},
        plan: {
          gpus: 2,
          costPerHour: 13.76,
          totalCost: 27.52,
          predictedHours: 2,
          summary: "2× H100-SXM TP1 on-demand",
        },
        alternatives: [{ summary: "4× A100-80GB TP1 spot", gpus: 4, costPerHour: 9, totalCost: 22, costDelta: -5.52 }],
        reason: "cheapest plan that meets the deadline",
        createdAt: minutes(0),
      },
    });
    // Another workload's decision is not this one's.
    await prisma.decision.create({
      data: {
        orgId: org.id,
        workloadId: (await addWorkload(org.id)).id,
        kind: "initial",
        inputs: {},
        plan: {},
        reason: "x",
      },
    });
    expect((await getWorkload(org.id, w.id)).decisions).toEqual([
      {
        id: first.id,
        kind: "initial",
        reason: "cheapest plan that meets the deadline",
        createdAt: minutes(0),
        plan: {
          gpus: 2,
          costPerHour: 13.76,
          totalCost: 27.52,
          predictedHours: 2,
          summary: "2× H100-SXM TP1 on-demand",
        },
        alternatives: [
          {
            summary: "4× A100-80GB TP1 spot",
            gpus: 4,
            costPerHour: 9,
            totalCost: 22,
            costDelta: -5.52,
            predictedHours: null,
          },
        ],
      },
      {
        id: later.id,
        kind: "scale_up",
        reason: "behind the deadline",
        createdAt: minutes(30),
        plan: {
          gpus: 4,
          costPerHour: 27.52,
          totalCost: null,
          predictedHours: null,
          summary: "4× H100-SXM TP1 on-demand",
        },
        alternatives: [],
      },
    ]);
  });

  it("lists assignments oldest first, each with its agent's engine, placement and metrics", async () => {
    const org = await newOrg();
    const orca = (await registerAgent(org.id, "key_test", registration("orca"))).agentId;
    const tuna = (await registerAgent(org.id, "key_test", registration("tuna"))).agentId;
    const w = await addWorkload(org.id);
    const newer = await prisma.assignment.create({
      data: {
        orgId: org.id,
        agentId: orca,
        workloadId: w.id,
        state: "running",
        epoch: 2,
        progressDone: 150,
        progressTotal: 1000,
        costUsd: 4.25,
        placement: placement(orca, 6.88, 2),
        latestMetrics: { throughput: { tokensPerSecond: 5200, outputTokensPerSecond: 1300 }, gpuUtilPct: 91 },
        createdAt: minutes(20),
      },
    });
    const older = await prisma.assignment.create({
      data: { orgId: org.id, agentId: tuna, workloadId: w.id, state: "stopped", createdAt: minutes(5) },
    });
    const noMetrics = {
      tokensPerSecond: null,
      outputTokensPerSecond: null,
      gpuUtilPct: null,
      batchSize: null,
      kvCacheHitRate: null,
      ttftMsP95: null,
      tpotMsP95: null,
      replicasLive: null,
      replicasTotal: null,
      pctSpot: null,
      at: null,
    };
    expect((await getWorkload(org.id, w.id)).assignments).toEqual([
      {
        id: older.id,
        agentId: tuna,
        engine: "tuna",
        epoch: 1,
        state: "stopped",
        // A fresh assignment's placement is {}: no GPU type, nothing to show.
        placement: null,
        progressDone: 0,
        progressTotal: 0,
        costUsd: 0,
        metrics: noMetrics,
        createdAt: minutes(5),
        updatedAt: older.updatedAt,
      },
      {
        id: newer.id,
        agentId: orca,
        engine: "orca",
        epoch: 2,
        state: "running",
        placement: { gpuType: "H100-SXM", market: "on-demand", tp: 1, pp: 1, replicas: 2, gpus: 2 },
        progressDone: 150,
        progressTotal: 1000,
        costUsd: 4.25,
        metrics: { ...noMetrics, tokensPerSecond: 5200, outputTokensPerSecond: 1300, gpuUtilPct: 91 },
        createdAt: minutes(20),
        updatedAt: newer.updatedAt,
      },
    ]);
  });

  it("prices only the assignments that hold GPUs (not paused, ended or lost ones)", async () => {
    const org = await newOrg();
    const { agentId } = await registerAgent(org.id, "key_test", registration("orca"));
    // The forecast finish has passed: the projected cost is the spend so far, whatever the price.
    const w = await addWorkload(org.id, { costUsd: 7.5, forecast: { p50: minutes(-60).toISOString() } });
    const priced: [string, number, number][] = [
      ["running", 2.5, 2],
      ["deploying", 1.5, 3],
      ["stopping", 0.25, 1],
      ["paused", 10, 1],
      ["completed", 100, 1],
      ["failed", 1000, 1],
      ["stopped", 10_000, 1],
      ["lost", 100_000, 1],
    ];
    for (const [i, [state, price, replicas]] of priced.entries())
      await prisma.assignment.create({
        data: {
          orgId: org.id,
          agentId,
          workloadId: w.id,
          state,
          placement: placement(agentId, price, replicas),
          createdAt: minutes(i),
        },
      });
    const detail = await getWorkload(org.id, w.id);
    // 2.5 × 2 + 1.5 × 3 + 0.25 × 1
    expect(detail.currentCostPerHour).toBe(9.75);
    expect(detail.projectedCostUsd).toBe(7.5);
    expect(detail.assignments.map((a) => a.state)).toEqual(priced.map(([state]) => state));
  });

  it("has no current price when every assignment is paused or ended", async () => {
    const org = await newOrg();
    const { agentId } = await registerAgent(org.id, "key_test", registration("orca"));
    const w = await addWorkload(org.id, { predictedCostUsd: 30, forecast: { p50: minutes(-60).toISOString() } });
    for (const state of ["paused", "completed"])
      await prisma.assignment.create({
        data: { orgId: org.id, agentId, workloadId: w.id, state, placement: placement(agentId, 5, 1) },
      });
    // Without a price the projection falls back to the plan's figure (nothing done yet).
    expect(await getWorkload(org.id, w.id)).toMatchObject({ currentCostPerHour: null, projectedCostUsd: 30 });
  });

  it("shows the newest 720 forecast points, oldest first", async () => {
    const org = await newOrg();
    const w = await addWorkload(org.id);
    const point = (i: number) => ({
      at: minutes(i),
      completed: i * 10,
      total: 10_000,
      p10: i % 3 ? minutes(600 + i) : null,
      p50: minutes(700 + i),
      p90: i % 5 ? minutes(800 + i) : null,
      missProbability: i % 2 ? i / 1000 : null,
    });
    // 722 points, the two oldest outside the window, written in a scrambled order (7k mod 722 visits
    // each once): the query's order, not the order rows happen to come back in, must pick the newest.
    await prisma.forecastPoint.createMany({
      data: Array.from({ length: 722 }, (_, k) => ({ orgId: org.id, workloadId: w.id, ...point((k * 7) % 722) })),
    });
    // Another workload's history is not this one's.
    await prisma.forecastPoint.create({
      data: { orgId: org.id, workloadId: (await addWorkload(org.id)).id, ...point(5000) },
    });
    const shown = (await getWorkload(org.id, w.id)).forecastPoints;
    expect(shown).toEqual(Array.from({ length: 720 }, (_, k) => point(k + 2)));
  });

  it("sums usage per component over the workload's assignments, most expensive first", async () => {
    const org = await newOrg();
    const other = await newOrg();
    const { agentId } = await registerAgent(org.id, "key_test", registration("orca"));
    const w = await addWorkload(org.id);
    const [a1, a2] = [
      await prisma.assignment.create({ data: { orgId: org.id, agentId, workloadId: w.id, state: "running" } }),
      await prisma.assignment.create({ data: { orgId: org.id, agentId, workloadId: w.id, state: "completed" } }),
    ];
    const elsewhere = await prisma.assignment.create({
      data: { orgId: org.id, agentId, workloadId: (await addWorkload(org.id)).id, state: "running" },
    });
    const usage = (
      orgId: string,
      assignmentId: string | null,
      component: string,
      costUsd: number,
      seconds: number,
    ) => ({
      orgId,
      agentId,
      assignmentId,
      component,
      gpuType: "H100-SXM",
      seconds,
      costUsd,
      at: T,
    });
    await prisma.usageRecord.createMany({
      data: [
        usage(org.id, a1!.id, "spot", 2, 100),
        usage(org.id, a1!.id, "on-demand", 1, 50),
        usage(org.id, a2!.id, "spot", 1.5, 30),
        usage(org.id, a2!.id, "router", 0.25, 200),
        usage(org.id, a2!.id, "on-demand", 0.5, 10),
        // Not this workload's: another assignment, no assignment, another org (same assignment id).
        usage(org.id, elsewhere.id, "router", 50, 1),
        usage(org.id, null, "router", 60, 1),
        usage(other.id, a1!.id, "router", 70, 1),
      ],
    });
    // Neither alphabetical nor its reverse: the order must come from the cost.
    expect((await getWorkload(org.id, w.id)).usageByComponent).toEqual([
      { component: "spot", costUsd: 3.5, seconds: 130 },
      { component: "on-demand", costUsd: 1.5, seconds: 60 },
      { component: "router", costUsd: 0.25, seconds: 200 },
    ]);
  });
});
