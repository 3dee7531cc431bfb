import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@koi/auth/api-keys/manage-api-keys";
import { GPU_FREE_ASSIGNMENT_STATES } from "@koi/contracts/primitives";
import { createTestOrg } from "@koi/db/factories";
import {
  agentRegistration,
  createOwner,
  heartbeatBody,
  keyCall,
  prisma,
  signIn,
  trpcMutation,
} from "./support/http.ts";
import { freePort, koiEnv, startWeb, startWorker, type TKoiProcess } from "./support/koi-processes.ts";

// Two web processes (the suite's own, A, and a second one, B) and two workers behind the same
// Postgres and Redis, as a deployment scaled out behind a load balancer runs them.
const settings = JSON.parse(process.env.KOI_HTTP_SETTINGS!) as Parameters<typeof koiEnv>[0];
const webA = process.env.KOI_HTTP_BASE_URL!;
let webB = "";
const started: TKoiProcess[] = [];

beforeAll(async () => {
  const env = koiEnv(settings);
  const port = await freePort();
  webB = `http://localhost:${port}`;
  const [b, w1, w2] = await Promise.all([startWeb(port, env), startWorker(env), startWorker(env)]);
  started.push(b, w1, w2);
}, 180_000);

afterAll(async () => {
  await Promise.all(started.map((p) => p.stop()));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function key(orgId: string, scopes: ("engine" | "workloads:read" | "workloads:write")[]) {
  return createApiKey({
    orgId,
    actorUserId: null,
    name: `multi-${randomBytes(3).toString("hex")}`,
    scopes,
    expiresAt: null,
  });
}

/** An agent registered through web A whose heartbeat reports one pool of `gpus` L40S. */
async function agentWithPool(orgId: string, gpus: number) {
  const { secret } = await key(orgId, ["engine"]);
  const registered = await keyCall(secret, "/api/v1/agents/register", {
    base: webA,
    body: agentRegistration(`multi-${randomBytes(6).toString("hex")}`, "multi"),
  });
  const agentId = (registered.json as { agentId: string }).agentId;
  const pool = {
    id: "l40s-od",
    gpuType: "L40S",
    market: "on-demand",
    total: gpus,
    available: gpus,
    quota: null,
    pricePerGpuHour: 1.861,
  };
  const beat = await keyCall(secret, `/api/v1/agents/${agentId}/heartbeat`, {
    base: webA,
    body: heartbeatBody([pool]),
  });
  expect(beat.status, JSON.stringify(beat.json)).toBe(200);
  return { agentId, secret };
}

const submission = (name: string) => ({
  kind: "batch",
  name,
  model: "meta-llama/Llama-3.1-8B-Instruct",
  requests: 20_000,
  avgInputTokens: 1000,
  avgOutputTokens: 300,
  deadlineHours: 2,
});

describe("two web processes and two workers, one truth", () => {
  it("a key revoked through web A is refused by web B within 5 s", async () => {
    const owner = await createOwner();
    const { key: created, secret } = await key(owner.org.id, ["workloads:read"]);
    // Both processes have verified (and cached) the key.
    expect((await keyCall(secret, "/api/v1/workloads", { base: webA })).status).toBe(200);
    expect((await keyCall(secret, "/api/v1/workloads", { base: webB })).status).toBe(200);

    const { cookie } = await signIn(owner.user.email, owner.password);
    expect(cookie).not.toBeNull();
    expect((await trpcMutation("apiKeys.revoke", { keyId: created.id }, { cookie: cookie! })).status).toBe(200);
    const revokedAt = Date.now();
    let status = 0;
    while (Date.now() - revokedAt < 5_000) {
      status = (await keyCall(secret, "/api/v1/workloads", { base: webB })).status;
      if (status === 401) break;
      await sleep(100);
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(5_000);
  });

  it("a long-poll held by web B is woken by the deploy a worker writes for a workload submitted through web A", async () => {
    const org = await createTestOrg();
    const { agentId, secret: engine } = await agentWithPool(org.id, 8);
    const { secret: workloads } = await key(org.id, ["workloads:write", "workloads:read"]);
    const poll = keyCall(engine, `/api/v1/agents/${agentId}/commands?wait=30`, {
      base: webB,
      signal: AbortSignal.timeout(40_000),
    });
    await sleep(500); // the poll is held before anything is written
    const submittedAt = Date.now();
    expect((await keyCall(workloads, "/api/v1/workloads", { base: webA, body: submission("woken") })).status).toBe(201);
    const answer = await poll;
    expect(answer.status).toBe(200);
    expect((answer.json as { commands: { type: string }[] }).commands.map((c) => c.type)).toContain("deploy");
    // Answered when the command was written, not at the end of the 30 s wait.
    expect(Date.now() - submittedAt).toBeLessThan(25_000);
  }, 60_000);

  it("12 concurrent submissions through both web processes, planned by both workers, never hold more GPUs than the pool has, and each is decided once", async () => {
    const org = await createTestOrg();
    await agentWithPool(org.id, 4);
    const { secret } = await key(org.id, ["workloads:write", "workloads:read"]);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        keyCall(secret, "/api/v1/workloads", { base: i % 2 ? webB : webA, body: submission(`race-${i}`) }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(201));

    // Every workload planned: dispatched to the pool, or waiting for capacity.
    await expect
      .poll(
        async () =>
          prisma.workload.count({
            where: {
              orgId: org.id,
              OR: [{ status: "DISPATCHING" }, { status: "PENDING", statusDetail: { contains: "capacity" } }],
            },
          }),
        { timeout: 60_000, interval: 500 },
      )
      .toBe(12);
    const holding = await prisma.assignment.findMany({
      where: { orgId: org.id, state: { notIn: [...GPU_FREE_ASSIGNMENT_STATES] } },
      select: { placement: true, workloadId: true },
    });
    const gpus = holding.reduce((s, a) => s + (a.placement as { gpus: number }).gpus, 0);
    expect(gpus).toBeGreaterThan(0);
    expect(gpus).toBeLessThanOrEqual(4);
    // Contention happened: some workloads had to wait.
    expect(await prisma.workload.count({ where: { orgId: org.id, status: "PENDING" } })).toBeGreaterThan(0);
    // No workload was planned twice: one initial decision and one live assignment at most.
    const initial = await prisma.decision.groupBy({
      by: ["workloadId"],
      where: { orgId: org.id, kind: "initial" },
      _count: true,
    });
    for (const d of initial) expect(d._count).toBe(1);
    expect(new Set(holding.map((a) => a.workloadId)).size).toBe(holding.length);
  }, 120_000);
});
