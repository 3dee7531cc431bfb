import { logger } from "@koi/core/logger";
import type { PrismaClient } from "@koi/db";
import { afterEach, describe, expect, it } from "vitest";
import { collectHealth, startHealthServer, type THealthServer } from "./health-server.ts";

const counts = { waiting: 1, active: 2, failed: 3, delayed: 4, completed: 9 };
const queueOk = { getJobCounts: async () => counts };
const queueDown = { getJobCounts: () => new Promise<never>(() => undefined) };
const dbWith = (pending: number, oldest: Date | null) =>
  ({
    outboxEvent: { aggregate: async () => ({ _count: { _all: pending }, _min: { createdAt: oldest } }) },
  }) as unknown as PrismaClient;
const dbDown = {
  outboxEvent: { aggregate: async () => Promise.reject(new Error("ECONNREFUSED")) },
} as unknown as PrismaClient;

describe("collectHealth", () => {
  it("reports queue counts and the outbox backlog when both stores answer", async () => {
    const now = Date.parse("2026-01-01T00:01:00Z");
    const report = await collectHealth(
      { db: dbWith(5, new Date("2026-01-01T00:00:00Z")), queues: new Map([["email", queueOk]]) },
      now,
    );
    expect(report).toEqual({
      status: "ok",
      checks: { redis: "ok", postgres: "ok" },
      queues: { email: { waiting: 1, active: 2, failed: 3, delayed: 4 } },
      outbox: { pending: 5, oldestAgeSeconds: 60 },
    });
  });

  it("reports an empty outbox as age 0", async () => {
    const report = await collectHealth({ db: dbWith(0, null), queues: new Map([["email", queueOk]]) });
    expect(report.outbox).toEqual({ pending: 0, oldestAgeSeconds: 0 });
  });

  it("is unavailable when Redis hangs or Postgres fails", async () => {
    const redisDown = await collectHealth({
      db: dbWith(0, null),
      queues: new Map([["email", queueDown]]),
      timeoutMs: 50,
    });
    expect(redisDown).toMatchObject({ status: "unavailable", checks: { redis: "down", postgres: "ok" }, queues: {} });
    const pgDown = await collectHealth({ db: dbDown, queues: new Map([["email", queueOk]]) });
    expect(pgDown).toMatchObject({ status: "unavailable", checks: { redis: "ok", postgres: "down" }, outbox: null });
  });
});

describe("startHealthServer", () => {
  let server: THealthServer | undefined;
  afterEach(async () => server?.close());

  it("answers GET /healthz with 200 or 503 and everything else with 404", async () => {
    let healthy = true;
    server = await startHealthServer(
      0,
      async () => ({
        status: healthy ? "ok" : "unavailable",
        checks: { redis: "ok", postgres: "ok" },
        queues: {},
        outbox: null,
      }),
      logger,
    );
    const url = `http://127.0.0.1:${server.port}`;
    const ok = await fetch(`${url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: "ok" });
    healthy = false;
    expect((await fetch(`${url}/healthz?probe=1`)).status).toBe(503);
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/healthz`, { method: "POST" })).status).toBe(404);
  });

  it("listens on loopback only unless told otherwise", async () => {
    server = await startHealthServer(
      0,
      async () => ({ status: "ok", checks: { redis: "ok", postgres: "ok" }, queues: {}, outbox: null }),
      logger,
    );
    expect(server.address).toBe("127.0.0.1");
  });
});
