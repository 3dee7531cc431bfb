import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTestUser } from "@koi/db/factories";
import { prisma } from "@koi/db";
import { callerAs } from "../../../test-callers.ts";
import { entry } from "@koi/services/waitlist/waitlist-test-entries";

describe("admin.waitlist.list", () => {
  it("filters by status and search, pages with a cursor, and counts per status", async () => {
    const staff = await createTestUser({ isStaff: true });
    const tag = randomBytes(4).toString("hex");
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await entry(i % 2 ? "PENDING" : "CONFIRMED", { company: `Search-${tag}` }));
    const api = callerAs(staff.id);

    const all = await api.admin.waitlist.list({ search: `search-${tag}` });
    expect(all.items.map((i) => i.id)).toEqual(made.map((m) => m.id).reverse());
    expect(all.nextCursor).toBeNull();

    const confirmed = await api.admin.waitlist.list({ search: tag, status: "CONFIRMED" });
    expect(confirmed.items).toHaveLength(3);
    expect(confirmed.items.every((i) => i.status === "CONFIRMED")).toBe(true);

    const page1 = await api.admin.waitlist.list({ search: tag, limit: 2 });
    const page2 = await api.admin.waitlist.list({ search: tag, limit: 2, cursor: page1.nextCursor! });
    const page3 = await api.admin.waitlist.list({ search: tag, limit: 2, cursor: page2.nextCursor! });
    expect([...page1.items, ...page2.items, ...page3.items].map((i) => i.id)).toEqual(all.items.map((i) => i.id));
    expect(page3.nextCursor).toBeNull();

    const counts = all.counts;
    expect(counts.total).toBe(counts.PENDING + counts.CONFIRMED + counts.APPROVED);
    expect(counts.total).toBe(await prisma.waitlistEntry.count());
    expect(all.items[0]).not.toHaveProperty("confirmTokenHash");
  });

  it("exports matching rows oldest first", async () => {
    const staff = await createTestUser({ isStaff: true });
    const tag = randomBytes(4).toString("hex");
    const first = await entry("CONFIRMED", { name: `=cmd-${tag}` });
    const second = await entry("PENDING", { name: `Plain ${tag}` });
    const rows = await callerAs(staff.id).admin.waitlist.export({ search: tag });
    expect(rows.map((r) => r.id)).toEqual([first.id, second.id]);
  });
});
