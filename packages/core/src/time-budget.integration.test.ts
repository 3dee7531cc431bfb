import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createRedis } from "./redis.ts";
import { chargeTimeBudget, checkTimeBudget, type TTimeBudget } from "./time-budget.ts";

const redis = createRedis();
afterAll(() => redis.quit());

const budget = (over: Partial<TTimeBudget> = {}): TTimeBudget => ({
  bucket: "test",
  identity: randomBytes(6).toString("hex"),
  budgetMs: 1000,
  windowMs: 60_000,
  ...over,
});

describe("a time budget on the real Redis", () => {
  it("allows work until what was charged reaches the budget, then says when the window ends", async () => {
    const b = budget();
    expect(await checkTimeBudget(redis, b)).toEqual({ allowed: true, spentMs: 0, retryAfterSeconds: 0 });
    expect(await chargeTimeBudget(redis, b, 600.2)).toBe(601);
    expect((await checkTimeBudget(redis, b)).allowed).toBe(true);
    expect(await chargeTimeBudget(redis, b, 399)).toBe(1000);
    const refused = await checkTimeBudget(redis, b);
    expect(refused).toMatchObject({ allowed: false, spentMs: 1000 });
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it("keeps each identity's spending apart", async () => {
    const a = budget();
    const b = budget({ bucket: a.bucket });
    await chargeTimeBudget(redis, a, 5000);
    expect((await checkTimeBudget(redis, a)).allowed).toBe(false);
    expect((await checkTimeBudget(redis, b)).allowed).toBe(true);
  });

  it("starts afresh once the window that began with the first charge is over", async () => {
    const b = budget({ windowMs: 300 });
    await chargeTimeBudget(redis, b, 2000);
    await new Promise((r) => setTimeout(r, 150));
    // A later charge does not push the window's end back.
    await chargeTimeBudget(redis, b, 10);
    expect((await checkTimeBudget(redis, b)).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 250));
    expect(await checkTimeBudget(redis, b)).toEqual({ allowed: true, spentMs: 0, retryAfterSeconds: 0 });
  });
});
