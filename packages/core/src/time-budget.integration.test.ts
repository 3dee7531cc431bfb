import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createRedis } from "./redis.ts";
import { reserveTimeBudget, settleTimeBudget, type TTimeBudget } from "./time-budget.ts";

const redis = createRedis();
afterAll(() => redis.quit());

const budget = (over: Partial<TTimeBudget> = {}): TTimeBudget => ({
  bucket: "test",
  identity: randomBytes(6).toString("hex"),
  budgetMs: 1000,
  windowMs: 60_000,
  reserveMs: 100,
  ...over,
});

describe("a time budget on the real Redis", () => {
  it("lets work start until what it took reaches the budget, then says when the window ends", async () => {
    const b = budget();
    expect(await reserveTimeBudget(redis, b)).toEqual({ allowed: true, spentMs: 100, retryAfterSeconds: 0 });
    expect(await settleTimeBudget(redis, b, 600.2)).toBe(601);
    expect((await reserveTimeBudget(redis, b)).allowed).toBe(true);
    expect(await settleTimeBudget(redis, b, 399)).toBe(1000);
    const refused = await reserveTimeBudget(redis, b);
    expect(refused).toMatchObject({ allowed: false, spentMs: 1000 });
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it("holds a reservation for each piece of work in flight, so a burst cannot all start", async () => {
    const b = budget();
    const burst = await Promise.all(Array.from({ length: 25 }, () => reserveTimeBudget(redis, b)));
    expect(burst.filter((r) => r.allowed)).toHaveLength(10);
    // Quick work gives back most of its reservation.
    for (let i = 0; i < 10; i++) await settleTimeBudget(redis, b, 5);
    expect((await reserveTimeBudget(redis, b)).spentMs).toBe(150);
  });

  it("keeps each identity's spending apart", async () => {
    const a = budget();
    const b = budget({ bucket: a.bucket });
    await reserveTimeBudget(redis, a);
    await settleTimeBudget(redis, a, 5000);
    expect((await reserveTimeBudget(redis, a)).allowed).toBe(false);
    expect((await reserveTimeBudget(redis, b)).allowed).toBe(true);
  });

  it("starts afresh once the window that began with the first reservation is over, and a late refund is no credit", async () => {
    const b = budget({ windowMs: 300 });
    await reserveTimeBudget(redis, b);
    await settleTimeBudget(redis, b, 2000);
    await new Promise((r) => setTimeout(r, 150));
    await reserveTimeBudget(redis, b).then((r) => expect(r.allowed).toBe(false));
    await new Promise((r) => setTimeout(r, 250));
    const fresh = await reserveTimeBudget(redis, b);
    expect(fresh).toEqual({ allowed: true, spentMs: 100, retryAfterSeconds: 0 });
    await new Promise((r) => setTimeout(r, 350));
    // The reservation outlived its window: settling it leaves nothing behind, not -99.
    expect(await settleTimeBudget(redis, b, 1)).toBe(0);
    expect((await reserveTimeBudget(redis, b)).spentMs).toBe(100);
  });
});
