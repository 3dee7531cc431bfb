import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { runIdempotent } from "./idempotency-records.ts";

const scope = () => ({ orgId: `org-${randomBytes(4).toString("hex")}`, key: "k", route: "POST /test" });

describe("runIdempotent", () => {
  it("releases the claim when the first run fails, so a retry runs", async () => {
    const s = scope();
    await expect(runIdempotent(s, "h", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await runIdempotent(s, "h", async () => ({ status: 201, body: { ok: 1 } }))).toEqual({
      status: 201,
      body: { ok: 1 },
      replayed: false,
    });
  });

  it("a duplicate that outwaits a slow first run gets 409 idempotency_in_progress; later retries replay", async () => {
    const s = scope();
    let runs = 0;
    const slow = runIdempotent(s, "h", async () => {
      runs++;
      await sleep(6_000);
      return { status: 201, body: { id: "w1" } };
    });
    await sleep(100);
    await expect(runIdempotent(s, "h", async () => ({ status: 201, body: { id: "w2" } }))).rejects.toMatchObject({
      code: "CONFLICT",
      publicCode: "idempotency_in_progress",
    });
    await slow;
    expect(await runIdempotent(s, "h", async () => ({ status: 201, body: { id: "w3" } }))).toMatchObject({
      body: { id: "w1" },
      replayed: true,
    });
    expect(runs).toBe(1);
  }, 20_000);
});
