import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyCache } from "@koi/auth/api-keys/api-key-cache";
import { commandWakeups } from "@koi/services/agents/command-wakeups";
import { ZErrorBody } from "@koi/contracts/agent/errors";
import { ZWorkloadView } from "@koi/contracts/workloads/workloads";
import { ZPlanView, ZWorkloadList } from "@koi/contracts/workloads/workloads-api";
import { prisma } from "@koi/db";
import { BATCH_SUBMISSION, call, createTenants, handlers, keyFor, validBodies } from "./api-v1-harness.ts";

let t: Awaited<ReturnType<typeof createTenants>>;
let key: string;
beforeAll(async () => {
  t = await createTenants();
  key = t.workloadsA.secret;
});
afterAll(async () => {
  await commandWakeups().stop();
  await apiKeyCache().stop();
});

const submit = (body: unknown, headers: Record<string, string> = {}) =>
  call(handlers.submitWorkload, { path: "/api/v1/workloads", body, key, headers });
const list = (query: string) => call(handlers.listWorkloads, { method: "GET", path: `/api/v1/workloads${query}`, key });

describe("/api/v1/workloads", () => {
  it("POST submits a workload: 201, the documented view, PENDING, and its plan job in the outbox", async () => {
    const res = await submit(validBodies(t).submit);
    expect(res.status).toBe(201);
    const view = ZWorkloadView.parse(res.json);
    expect(view).toMatchObject({
      name: "fuzzed",
      kind: "batch",
      status: "PENDING",
      budgetUsd: 100,
      progress: { completed: 0, total: 1000 },
    });
    const row = await prisma.workload.findUniqueOrThrow({ where: { id: view.id } });
    expect(row).toMatchObject({ orgId: t.orgA.id, submittedVia: "api" });
    expect(await prisma.outboxEvent.count({ where: { jobId: `plan-${view.id}` } })).toBe(1);
  });

  it("honours Idempotency-Key: a retry replays the first answer and creates nothing; another body is 409", async () => {
    const headers = { "idempotency-key": `submit-${Date.now()}` };
    const first = await submit(BATCH_SUBMISSION, headers);
    const again = await submit(BATCH_SUBMISSION, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await prisma.workload.count({ where: { id: (first.json as { id: string }).id } })).toBe(1);
    const other = await submit({ ...BATCH_SUBMISSION, requests: 5 }, headers);
    expect(other.status).toBe(409);
    // The published code for it (it said the generic "conflict").
    expect(ZErrorBody.parse(other.json).error.code).toBe("idempotency_conflict");
  });

  it("8 concurrent POSTs with one Idempotency-Key create exactly one workload, and all get its answer", async () => {
    const headers = { "idempotency-key": `race-${Date.now()}` };
    const name = `race-${Date.now()}`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => submit({ ...BATCH_SUBMISSION, name }, headers)));
    expect(await prisma.workload.count({ where: { orgId: t.orgA.id, name } })).toBe(1);
    const ids = new Set(answers.map((a) => (a.json as { id?: string }).id));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(ids.size).toBe(1);
  });

  it("the koi CLI's user agent is recorded as via=cli", async () => {
    const res = await submit(BATCH_SUBMISSION, { "user-agent": "koi-cli/1" });
    expect(
      (await prisma.workload.findUniqueOrThrow({ where: { id: (res.json as { id: string }).id } })).submittedVia,
    ).toBe("cli");
  });

  it("bad submissions are 400 naming the field; an unknown model suggests close names", async () => {
    const bad = await submit({ ...BATCH_SUBMISSION, avgInputTokens: -3 });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      error: { code: "validation_failed", issues: [expect.objectContaining({ path: "avgInputTokens" })] },
    });
    const extra = await submit({ ...BATCH_SUBMISSION, gpu: "H100" });
    expect(extra.status).toBe(400);
    const model = await submit({ ...BATCH_SUBMISSION, model: "llama-9000" });
    expect(model.status).toBe(400);
    expect((model.json as { error: { message: string } }).error.message).toMatch(/model/);
  });

  it("GET lists newest first with status/kind filters and cursor pages that neither skip nor repeat", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(((await submit({ ...BATCH_SUBMISSION, name: `page ${i}` })).json as { id: string }).id);
    await submit({
      kind: "online",
      model: "llama-3.1-8b",
      requestsPerSecond: 2,
      avgInputTokens: 500,
      avgOutputTokens: 100,
      ttftP95Ms: 1000,
      tpotP95Ms: 80,
    });
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const res = await list(`?kind=batch&status=PENDING&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      const page = ZWorkloadList.parse(res.json);
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const w of page.items) expect(w).toMatchObject({ kind: "batch", status: "PENDING" });
      seen.push(...page.items.map((w) => w.id));
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 5)).toEqual([...ids].reverse());
    const online = ZWorkloadList.parse((await list("?kind=online")).json);
    expect(online.items.map((w) => w.kind)).toEqual(["online"]);
    const running = ZWorkloadList.parse((await list("?status=running")).json);
    expect(running.items.map((w) => w.id)).toEqual([t.workloadId]);
  });

  it("bad list parameters are 400 naming the parameter", async () => {
    for (const [query, field] of [
      ["?status=SLEEPING", "status"],
      ["?kind=both", "kind"],
      ["?limit=0", "limit"],
      ["?cursor=bm9wZQ", "cursor"],
    ] as const) {
      const res = await list(query);
      expect(res.status, query).toBe(400);
      expect((res.json as { error: { issues: { path: string }[] } }).error.issues[0]?.path).toBe(field);
    }
  });

  it("GET /{id} returns the view; an unknown id is 404", async () => {
    const res = await call(handlers.getWorkload, { method: "GET", params: { workloadId: t.workloadId }, key });
    expect(res.status).toBe(200);
    expect(ZWorkloadView.parse(res.json)).toMatchObject({ id: t.workloadId, status: "RUNNING" });
    expect((await call(handlers.getWorkload, { method: "GET", params: { workloadId: "wl_nope" }, key })).status).toBe(
      404,
    );
  });

  it("POST /{id}/cancel cancels (stop command for a live assignment) and is safe to repeat", async () => {
    const w = ZWorkloadView.parse((await submit(BATCH_SUBMISSION)).json);
    const assignment = await prisma.assignment.create({
      data: { orgId: t.orgA.id, agentId: t.agentId, workloadId: w.id, state: "running", engineRef: "mo-cancel" },
    });
    const res = await call(handlers.cancelWorkload, { params: { workloadId: w.id }, body: {}, key });
    expect(res.status).toBe(200);
    expect(ZWorkloadView.parse(res.json)).toMatchObject({ id: w.id, status: "CANCELLED" });
    expect(await prisma.command.count({ where: { assignmentId: assignment.id, type: "stop" } })).toBe(1);
    const again = await call(handlers.cancelWorkload, { params: { workloadId: w.id }, rawBody: "", key });
    expect(again.status).toBe(200);
    expect(await prisma.command.count({ where: { assignmentId: assignment.id, type: "stop" } })).toBe(1);
  });
});

describe("/api/v1/plan", () => {
  it("returns the planner's plan on the org's live capacity and writes nothing", async () => {
    const before = await prisma.workload.count({ where: { orgId: t.orgA.id } });
    const res = await call(handlers.plan, { body: BATCH_SUBMISSION, key: t.workloadsA.secret });
    expect(res.status).toBe(200);
    const plan = ZPlanView.parse(res.json);
    expect(plan).toMatchObject({ kind: "batch", engine: "orca" });
    expect(typeof plan.reason).toBe("string");
    expect(await prisma.workload.count({ where: { orgId: t.orgA.id } })).toBe(before);
  });

  it("a read-only key may dry-run but not submit", async () => {
    const readOnly = (await keyFor(t.orgA.id, ["workloads:read"])).secret;
    expect((await call(handlers.plan, { body: BATCH_SUBMISSION, key: readOnly })).status).toBe(200);
    expect((await call(handlers.submitWorkload, { body: BATCH_SUBMISSION, key: readOnly })).status).toBe(403);
  });
});
