import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createOwner, http, prisma } from "./support/http.ts";

let owner: Awaited<ReturnType<typeof createOwner>>;
beforeAll(async () => {
  owner = await createOwner();
});

const SUBMISSION = {
  kind: "batch",
  model: "meta-llama/Llama-3.1-8B-Instruct",
  requests: 1000,
  avgInputTokens: 500,
  avgOutputTokens: 200,
  deadlineHours: 4,
  name: "http suite",
};

const post = (body: unknown, headers: Record<string, string> = {}) =>
  http("/api/v1/workloads", {
    method: "POST",
    headers: { authorization: `Bearer ${owner.apiKey}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("REST workloads under attack", () => {
  it("NUL bytes and absurd numbers are 4xx, not 500", async () => {
    const nulId = await http("/api/v1/workloads/%00", { headers: { authorization: `Bearer ${owner.apiKey}` } });
    expect([400, 404]).toContain(nulId.status);
    expect((await post({ ...SUBMISSION, name: "a\u0000b" })).status).toBe(400);
    expect((await post({ ...SUBMISSION, deadlineHours: 1e308 })).status).toBe(400);
    expect((await post({ ...SUBMISSION, deadlineHours: 2 ** 53 })).status).toBe(400);
    expect((await post(`{"kind":"batch","requests":1${"0".repeat(400)}}`)).status).toBe(400);
  });

  it("a query parameter given twice is 400 naming it, not whichever value a parser keeps", async () => {
    const auth = { authorization: `Bearer ${owner.apiKey}` };
    for (const [query, name] of [
      ["?limit=1&limit=100", "limit"],
      ["?kind=batch&kind=online", "kind"],
      ["?cursor=a&cursor=b", "cursor"],
    ]) {
      const res = await http(`/api/v1/workloads${query}`, { headers: auth });
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.json).toMatchObject({
        error: {
          code: "validation_failed",
          requestId: expect.any(String),
          issues: [{ path: name, message: "given more than once" }],
        },
      });
    }
    // status adds up its values, repeated or comma-separated.
    expect((await http("/api/v1/workloads?status=RUNNING&status=PENDING", { headers: auth })).status).toBe(200);
  });

  it("8 concurrent retries with one Idempotency-Key create exactly one workload", async () => {
    const name = `idem-${Date.now()}`;
    const headers = { "idempotency-key": `http-${Date.now()}` };
    const answers = await Promise.all(Array.from({ length: 8 }, () => post({ ...SUBMISSION, name }, headers)));
    expect(await prisma.workload.count({ where: { orgId: owner.org.id, name } })).toBe(1);
    for (const a of answers) expect([201, 409]).toContain(a.status);
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => (a.json as { id: string }).id));
    expect(ids.size).toBe(1);
  });

  it("fuzz: control characters, huge numbers and deep nesting in any field never make a 5xx", async () => {
    const control = fc.string({
      unit: fc.constantFrom("\u0000", "\u0001", "\u001b", "\u007f", "\u2028", "\ud800", "a"),
      maxLength: 30,
    });
    const huge = fc.oneof(
      fc.constantFrom(1e308, -1e308, 2 ** 53, 2 ** 64, -0, 5e-324),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    const deep = fc.integer({ min: 1, max: 120 }).map((d) => JSON.parse(`${"[".repeat(d)}1${"]".repeat(d)}`));
    const field = fc.constantFrom(...Object.keys(SUBMISSION), "budgetUsd", "priority", "extra");
    await fc.assert(
      fc.asyncProperty(field, fc.oneof(control, huge, deep), async (name, value) => {
        const res = await post({ ...SUBMISSION, [name]: value });
        expect(res.status, `${name}=${JSON.stringify(value).slice(0, 80)}`).toBeLessThan(500);
        if (res.status >= 400)
          expect(res.json).toMatchObject({ error: { code: expect.any(String), requestId: expect.any(String) } });
      }),
      { numRuns: Number(process.env.KOI_FUZZ_RUNS ?? 60), seed: 2026 },
    );
  }, 120_000);
});
