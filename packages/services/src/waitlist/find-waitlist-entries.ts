import { prisma, type Prisma } from "@koi/db";
import type { TWaitlistEntryView } from "./list-waitlist.schema.ts";

const waitlistEntryViewSelect = {
  id: true,
  email: true,
  name: true,
  company: true,
  fleetSize: true,
  workloadType: true,
  status: true,
  createdAt: true,
  confirmedAt: true,
  approvedAt: true,
} satisfies Prisma.WaitlistEntrySelect;

function waitlistWhere(filter: {
  status?: TWaitlistEntryView["status"];
  search?: string;
}): Prisma.WaitlistEntryWhereInput {
  const search = filter.search?.trim();
  return {
    ...(filter.status ? { status: filter.status } : {}),
    ...(search
      ? {
          OR: [
            { email: { contains: search, mode: "insensitive" } },
            { name: { contains: search, mode: "insensitive" } },
            { company: { contains: search, mode: "insensitive" } },
          ],
        }
      : {}),
  };
}

/** Newest first; `id` breaks ties so the cursor walks every row exactly once. */
export async function findWaitlistEntries(filter: {
  status?: TWaitlistEntryView["status"];
  search?: string;
  cursor?: string;
  limit: number;
}) {
  const rows = await prisma.waitlistEntry.findMany({
    where: waitlistWhere(filter),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.limit + 1,
    ...(filter.cursor ? { cursor: { id: filter.cursor }, skip: 1 } : {}),
    select: waitlistEntryViewSelect,
  });
  const hasMore = rows.length > filter.limit;
  const items = hasMore ? rows.slice(0, filter.limit) : rows;
  return { items, nextCursor: hasMore ? (items.at(-1)?.id ?? null) : null };
}

// Far above any waitlist we expect; the cap keeps one request from reading an unbounded table.
const EXPORT_MAX_ROWS = 50_000;

/** Rows for the CSV download (apps/web /admin/waitlist/export.csv), oldest first. */
export function exportWaitlistEntries(filter: { status?: TWaitlistEntryView["status"]; search?: string }) {
  return prisma.waitlistEntry.findMany({
    where: waitlistWhere(filter),
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: EXPORT_MAX_ROWS,
    select: waitlistEntryViewSelect,
  });
}

export async function countWaitlistByStatus() {
  const groups = await prisma.waitlistEntry.groupBy({ by: ["status"], _count: { _all: true } });
  const counts = { PENDING: 0, CONFIRMED: 0, APPROVED: 0, total: 0 };
  for (const g of groups) {
    counts[g.status] = g._count._all;
    counts.total += g._count._all;
  }
  return counts;
}
