import { randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { env } from "@koi/core/env";
import { prisma } from "@koi/db";
import { callerAs, postTrpc, uniqueIp } from "../../test-callers.ts";
import { addToWaitlist, RESEND_WINDOW_MS } from "@koi/services/waitlist/add-to-waitlist";

const uniqueEmail = () => `wl-${randomBytes(6).toString("hex")}@example.test`;
const validInput = (email = uniqueEmail()) => ({
  email,
  name: "Ada Lovelace",
  company: "Analytical Engines",
  fleetSize: "9-64" as const,
  workloadType: "BOTH" as const,
});

async function rowsFor(email: string) {
  const entries = await prisma.waitlistEntry.findMany({ where: { email } });
  // The first confirmation and any sent again (`waitlist-confirm-<id>-again-<window>`).
  const outbox = await prisma.outboxEvent.findMany({
    where: { OR: entries.map((e) => ({ jobId: { startsWith: `waitlist-confirm-${e.id}` } })) },
    orderBy: { createdAt: "asc" },
  });
  return { entries, outbox };
}

describe("waitlist.join", () => {
  it("stores the entry (email trimmed, lower-cased) and its confirmation outbox row together", async () => {
    const email = uniqueEmail();
    const result = await callerAs(null).waitlist.join({ ...validInput(), email: `  ${email.toUpperCase()} ` });
    expect(result).toEqual({ status: "check-inbox" });
    const { entries, outbox } = await rowsFor(email);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      email,
      name: "Ada Lovelace",
      status: "PENDING",
      fleetSize: "9-64",
      workloadType: "BOTH",
      confirmTokenHash: null,
    });
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      jobName: "send-waitlist-confirmation",
      jobId: `waitlist-confirm-${entries[0]!.id}`,
      payload: { entryId: entries[0]!.id },
      orgId: null,
    });
  });

  it("answers an already-listed email byte for byte like a new one, and keeps one row and one email", async () => {
    const email = uniqueEmail();
    const first = await postTrpc("waitlist.join", validInput(email));
    const again = await postTrpc("waitlist.join", { ...validInput(email.toUpperCase()), name: "Someone Else" });
    expect(first.status).toBe(200);
    expect(again).toEqual(first);
    const { entries, outbox } = await rowsFor(email);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.name).toBe("Ada Lovelace");
    expect(outbox).toHaveLength(1);
  });

  it("joining again sends the link again, at most once per 10 minutes, and only while unconfirmed", async () => {
    const email = uniqueEmail();
    const t0 = Date.now();
    expect(await addToWaitlist(validInput(email), new Date(t0))).toEqual({ created: true, resent: false });
    // A double-clicked submit a second later mails nothing more.
    expect(await addToWaitlist(validInput(email), new Date(t0 + 1_000))).toEqual({ created: false, resent: false });

    // The first full window that starts at least a minute after joining, and the one after it.
    const w1 = Math.ceil((t0 + 60_000) / RESEND_WINDOW_MS);
    const inWindow = (w: number, seconds: number) => new Date(w * RESEND_WINDOW_MS + seconds * 1000);
    expect(await addToWaitlist(validInput(email), inWindow(w1, 1))).toEqual({ created: false, resent: true });
    expect(await addToWaitlist(validInput(email), inWindow(w1, 30))).toEqual({ created: false, resent: false });
    expect(await addToWaitlist(validInput(email), inWindow(w1 + 1, 1))).toEqual({ created: false, resent: true });

    const { entries, outbox } = await rowsFor(email);
    expect(entries).toHaveLength(1);
    const id = entries[0]!.id;
    expect(outbox.map((o) => o.jobId)).toEqual([
      `waitlist-confirm-${id}`,
      `waitlist-confirm-${id}-again-${w1}`,
      `waitlist-confirm-${id}-again-${w1 + 1}`,
    ]);
    expect(outbox.every((o) => o.jobName === "send-waitlist-confirmation")).toBe(true);

    // Once confirmed there is nothing to send again.
    await prisma.waitlistEntry.update({ where: { id }, data: { status: "CONFIRMED", confirmedAt: new Date() } });
    expect(await addToWaitlist(validInput(email), inWindow(w1 + 3, 1))).toEqual({ created: false, resent: false });
  });

  it("stores one row for 20 concurrent joins with the same email", async () => {
    const email = uniqueEmail();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => callerAs(null).waitlist.join(validInput(email))),
    );
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    const { entries, outbox } = await rowsFor(email);
    expect(entries).toHaveLength(1);
    expect(outbox).toHaveLength(1);
  });

  it("stores one row for 300 concurrent inserts of the same email (rate limit aside)", async () => {
    const email = uniqueEmail();
    const results = await Promise.all(Array.from({ length: 300 }, () => addToWaitlist(validInput(email))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const { entries, outbox } = await rowsFor(email);
    expect(entries).toHaveLength(1);
    expect(outbox).toHaveLength(1);
  });

  it("rate-limits per IP: TOO_MANY_REQUESTS, HTTP 429 and a retry time; other IPs are unaffected", async () => {
    const ip = uniqueIp();
    const limit = env().KOI_WAITLIST_LIMIT_PER_HOUR;
    for (let i = 0; i < limit; i++) await callerAs(null, ip).waitlist.join(validInput());
    const err = await callerAs(null, ip)
      .waitlist.join(validInput())
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("TOO_MANY_REQUESTS");
    expect((err as TRPCError).cause).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: expect.any(Number) });

    const http = await postTrpc("waitlist.join", validInput(), ip);
    expect(http.status).toBe(429);
    const data = JSON.parse(http.body).error.json.data;
    expect(data).toMatchObject({ code: "TOO_MANY_REQUESTS", appCode: "RATE_LIMITED" });
    expect(data.retryAfterSeconds).toBeGreaterThan(3500);
    expect(data.retryAfterSeconds).toBeLessThanOrEqual(3600);

    await expect(callerAs(null).waitlist.join(validInput())).resolves.toEqual({ status: "check-inbox" });
  });

  it("refuses bad input with BAD_REQUEST and a message per field, storing nothing", async () => {
    const bad = {
      email: "not-an-email",
      name: "  ",
      company: "x".repeat(121),
      fleetSize: "lots",
      workloadType: "BATCH",
    };
    const err = await callerAs(null)
      .waitlist.join(bad as never)
      .catch((e: unknown) => e);
    expect((err as TRPCError).code).toBe("BAD_REQUEST");

    const http = await postTrpc("waitlist.join", bad);
    expect(http.status).toBe(400);
    const data = JSON.parse(http.body).error.json.data;
    expect(data.appCode).toBe("BAD_REQUEST");
    expect(data.fieldErrors).toEqual({
      email: "Enter a valid email address",
      name: "Enter your name",
      company: "Keep it under 120 characters",
      fleetSize: "Choose your GPU fleet size",
    });
    expect(await prisma.waitlistEntry.count({ where: { email: "not-an-email" } })).toBe(0);
  });

  it("refuses unknown fields and oversized values", async () => {
    const extra = await postTrpc("waitlist.join", { ...validInput(), isStaff: true });
    expect(extra.status).toBe(400);
    const long = await postTrpc("waitlist.join", { ...validInput(), email: `${"a".repeat(250)}@example.test` });
    expect(long.status).toBe(400);
    expect(JSON.parse(long.body).error.json.data.fieldErrors.email).toBe("That email is too long");
  });

  it("refuses a NUL character in any field with 400 naming it, and stores nothing", async () => {
    const email = uniqueEmail();
    const res = await postTrpc("waitlist.join", { ...validInput(email), company: "Analytical\u0000Engines" });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.json.data.fieldErrors.company).toMatch(/NUL/);
    expect(await prisma.waitlistEntry.count({ where: { email } })).toBe(0);
  });
});
