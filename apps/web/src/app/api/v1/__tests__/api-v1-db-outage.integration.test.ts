import { createPrismaClient, getPrisma, type PrismaClient } from "@koi/db";
import { afterAll, describe, expect, it } from "vitest";
import { call, createTenants, handlers, validBodies } from "./api-v1-harness.ts";

const holder = globalThis as unknown as { koiPrisma?: PrismaClient };
const closed: PrismaClient[] = [];
afterAll(async () => {
  await Promise.all(closed.map((c) => c.$disconnect().catch(() => undefined)));
});

/**
 * Postgres going away (restart, failover): the process's client is swapped for one pointing at a
 * closed port — what a restarting server looks like to the pool — so no shared cluster is touched.
 */
async function withPostgresDown<T>(fn: () => Promise<T>): Promise<T> {
  const real = getPrisma();
  const down = createPrismaClient("postgresql://postgres@127.0.0.1:1/koi_down");
  closed.push(down);
  holder.koiPrisma = down;
  try {
    return await fn();
  } finally {
    holder.koiPrisma = real;
  }
}

describe("Postgres outage (issue #5 item 6d)", () => {
  it("the API answers 503 with Retry-After while Postgres is unreachable, and recovers", async () => {
    const t = await createTenants();
    const bodies = validBodies(t);
    const heartbeat = () =>
      call(handlers.heartbeat, { params: { agentId: t.agentId }, body: bodies.heartbeat, key: t.engineA.secret });
    const plan = () => call(handlers.plan, { body: bodies.plan, key: t.workloadsA.secret });
    expect((await heartbeat()).status).toBe(200);

    const during = await withPostgresDown(async () => [await heartbeat(), await plan()]);
    for (const res of during) {
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBeTruthy();
      expect(res.json).toMatchObject({ error: { code: expect.any(String), requestId: expect.any(String) } });
      expect(res.text).not.toMatch(/ECONNREFUSED|prisma|127\.0\.0\.1/i);
    }
    expect((await heartbeat()).status).toBe(200);
    expect((await plan()).status).toBe(200);
  });
});
