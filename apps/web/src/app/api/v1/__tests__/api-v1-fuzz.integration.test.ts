import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyCache } from "@koi/auth/api-keys/api-key-cache";
import { commandWakeups } from "@koi/services/agents/command-wakeups";
import { call, createTenants, handlers, validBodies, type TRoute } from "./api-v1-harness.ts";

let t: Awaited<ReturnType<typeof createTenants>>;
beforeAll(async () => {
  t = await createTenants();
});
afterAll(async () => {
  await commandWakeups().stop();
  await apiKeyCache().stop();
});

const RUNS = Number(process.env.KOI_FUZZ_RUNS ?? 150);

/** Replaces one leaf of a valid body with an arbitrary JSON value (or deletes it). */
function mutate(body: unknown, path: number[], replacement: unknown, remove: boolean): unknown {
  if (body === null || typeof body !== "object") return replacement;
  const entries = Array.isArray(body) ? body.map((v, i) => [String(i), v] as const) : Object.entries(body);
  if (!entries.length) return replacement;
  const [k, v] = entries[path[0]! % entries.length]!;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(body) ? [...body] : { ...body };
  if (remove && path.length === 1) {
    if (Array.isArray(copy)) copy.splice(Number(k), 1);
    else delete copy[k];
    return copy;
  }
  (copy as Record<string, unknown>)[k] = path.length > 1 ? mutate(v, path.slice(1), replacement, remove) : replacement;
  return copy;
}

describe("fuzzing every /api/v1 request body never yields a 5xx", () => {
  const postRoutes = (): (TRoute & { key?: string })[] => {
    const b = validBodies(t);
    const workloadsKey = t.workloadsA.secret;
    return [
      { name: "submit workload", handler: handlers.submitWorkload, params: {}, body: b.submit, key: workloadsKey },
      { name: "plan", handler: handlers.plan, params: {}, body: b.plan, key: workloadsKey },
      {
        name: "cancel workload",
        handler: handlers.cancelWorkload,
        params: { workloadId: t.workloadId },
        body: b.cancel,
        key: workloadsKey,
      },
      { name: "register", handler: handlers.register, params: {}, body: b.register },
      { name: "heartbeat", handler: handlers.heartbeat, params: { agentId: t.agentId }, body: b.heartbeat },
      { name: "ack", handler: handlers.ack, params: { agentId: t.agentId, commandId: t.commandId }, body: b.ack },
      { name: "events", handler: handlers.events, params: { agentId: t.agentId }, body: b.events },
      { name: "reports", handler: handlers.reports, params: { assignmentId: t.assignmentId }, body: b.reports },
      { name: "orca ingest", handler: handlers.orca, params: { event: "replica-failed" }, body: b.orca },
    ];
  };

  it("arbitrary JSON bodies answer 4xx (or 2xx) with the error shape", async () => {
    for (const r of postRoutes()) {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue(), async (body) => {
          const res = await call(r.handler, { params: r.params, body, key: r.key ?? t.engineA.secret });
          expect(res.status, `${r.name}: ${JSON.stringify(body).slice(0, 200)}`).toBeLessThan(500);
          if (res.status >= 400)
            expect(res.json).toMatchObject({ error: { code: expect.any(String), requestId: expect.any(String) } });
        }),
        { numRuns: RUNS, seed: 42 },
      );
    }
  }, 120_000);

  it("valid bodies with one field mutated or removed answer < 500", async () => {
    for (const r of postRoutes()) {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
          fc.jsonValue({ maxDepth: 2 }),
          fc.boolean(),
          async (path, replacement, remove) => {
            const body = mutate(r.body, path, replacement, remove);
            const res = await call(r.handler, { params: r.params, body, key: r.key ?? t.engineA.secret });
            expect(res.status, `${r.name}: ${JSON.stringify(body).slice(0, 300)}`).toBeLessThan(500);
          },
        ),
        { numRuns: RUNS, seed: 7 },
      );
    }
  }, 120_000);

  it("arbitrary list query strings and workload ids answer < 500", async () => {
    const param = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.constantFrom("RUNNING", "running,paused", "batch", "0", "-1", "1000", "%00", "\u0000"),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("status", "kind", "limit", "cursor", "other"), param, async (name, value) => {
        const res = await call(handlers.listWorkloads, {
          method: "GET",
          path: `/api/v1/workloads?${name}=${encodeURIComponent(value)}`,
          key: t.workloadsA.secret,
        });
        expect(res.status, `${name}=${value}`).toBeLessThan(500);
        if (res.status >= 400)
          expect(res.json).toMatchObject({ error: { code: expect.any(String), requestId: expect.any(String) } });
      }),
      { numRuns: RUNS, seed: 11 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400 }), async (workloadId) => {
        const res = await call(handlers.getWorkload, {
          method: "GET",
          params: { workloadId },
          key: t.workloadsA.secret,
        });
        expect([200, 404]).toContain(res.status);
      }),
      { numRuns: RUNS, seed: 12 },
    );
  }, 120_000);

  it("control characters, huge numbers and deep nesting anywhere in a valid body answer < 500", async () => {
    const controlString = fc.string({
      unit: fc.constantFrom("\u0000", "\u0001", "\u001f", "\u007f", "\ud800", "a", "é"),
      minLength: 1,
      maxLength: 20,
    });
    const hugeNumber = fc.oneof(
      fc.constantFrom(1e308, -1e308, 2 ** 53, -(2 ** 53), 2 ** 63, Number.MAX_VALUE, Number.MIN_VALUE, -0),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    const deep = fc.integer({ min: 20, max: 200 }).map((depth) => {
      let v: unknown = "x";
      for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { v };
      return v;
    });
    for (const r of postRoutes()) {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
          fc.oneof(controlString, hugeNumber, deep),
          async (path, replacement) => {
            const body = mutate(r.body, path, replacement, false);
            const res = await call(r.handler, { params: r.params, body, key: r.key ?? t.engineA.secret });
            expect(res.status, `${r.name}: ${JSON.stringify(body).slice(0, 300)}`).toBeLessThan(500);
          },
        ),
        { numRuns: RUNS, seed: 13 },
      );
    }
  }, 180_000);

  it("the audit's 500s are 4xx now: NUL in events.detail or a workload id, deadlineHours of 1e308 or 2^53", async () => {
    const b = validBodies(t);
    const key = t.workloadsA.secret;
    for (const deadlineHours of [1e308, 2 ** 53, 8761]) {
      const res = await call(handlers.submitWorkload, { body: { ...b.submit, deadlineHours }, key });
      expect(res.status, String(deadlineHours)).toBe(400);
      expect(res.json).toMatchObject({ error: { code: "validation_failed" } });
    }
    const events = b.events as { events: Record<string, unknown>[] };
    const nul = await call(handlers.events, {
      params: { agentId: t.agentId },
      body: { ...events, events: events.events.map((e) => ({ ...e, detail: "bad\u0000byte" })) },
      key: t.engineA.secret,
    });
    expect(nul.status).toBe(400);
    expect(JSON.stringify(nul.json)).toMatch(/NUL/);
    const id = await call(handlers.getWorkload, { method: "GET", params: { workloadId: "\u0000" }, key });
    expect(id.status).toBe(404);
  });

  it("malformed JSON and oversized bodies are 400 / 413", async () => {
    const bad = await call(handlers.heartbeat, {
      params: { agentId: t.agentId },
      rawBody: "{not json",
      key: t.engineA.secret,
    });
    expect(bad.status).toBe(400);
    const huge = await call(handlers.heartbeat, {
      params: { agentId: t.agentId },
      rawBody: JSON.stringify({ x: "a".repeat(300_000) }),
      key: t.engineA.secret,
    });
    expect(huge.status).toBe(413);
  });
});
