import { prisma, type Prisma } from "@koi/db";
import type { TWaitlistEntryView } from "./list-waitlist.schema.ts";

export const waitlistEntryViewSelect = {
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

export function waitlistWhere(filter: {
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

export async function countWaitlistByStatus() {
  const groups = await prisma.waitlistEntry.groupBy({ by: ["status"], _count: { _all: true } });
  const counts = { PENDING: 0, CONFIRMED: 0, APPROVED: 0, total: 0 };
  for (const g of groups) {
    counts[g.status] = g._count._all;
    counts.total += g._count._all;
  }
  return counts;
}
