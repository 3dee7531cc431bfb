import type { TWorkloadStatus } from "@koi/contracts/workloads/workloads";
import type { TWorkloadList } from "@koi/contracts/workloads/workloads-api";
import { ZIsoDateTime } from "@koi/contracts/primitives";
import { AppError } from "@koi/core/app-error";
import { prisma, type Prisma } from "@koi/db";
import { toWorkloadView } from "./to-workload-view.ts";

export type TWorkloadFilter = {
  status?: readonly TWorkloadStatus[];
  kind?: "batch" | "online";
  /** Part of the name or model (any case), or the exact id. */
  search?: string;
  /** Opaque: the `nextCursor` of the previous page. */
  cursor?: string;
  limit: number;
};

/** Opaque keyset cursor: the (createdAt, id) of the last row of the previous page. */
function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|", 2);
  // Only what encodeCursor writes gets to the database: a date it can compare, an id of id characters.
  if (!id || !/^[\w-]{1,64}$/.test(id) || !ZIsoDateTime.safeParse(at).success)
    throw new AppError("BAD_REQUEST", "cursor is not a cursor this API returned.", {
      fields: { cursor: "invalid cursor" },
    });
  return { createdAt: new Date(at!), id };
}

/** One page of the org's workloads, newest first — the dashboard's list and `GET /api/v1/workloads`. */
export async function listWorkloads(orgId: string, filter: TWorkloadFilter): Promise<TWorkloadList> {
  const where: Prisma.WorkloadWhereInput = { orgId };
  if (filter.status?.length) where.status = { in: [...filter.status] };
  if (filter.kind) where.kind = filter.kind;
  const and: Prisma.WorkloadWhereInput[] = [];
  if (filter.search) {
    and.push({
      OR: [
        { name: { contains: filter.search, mode: "insensitive" } },
        { model: { contains: filter.search, mode: "insensitive" } },
        { id: filter.search },
      ],
    });
  }
  if (filter.cursor) {
    const c = decodeCursor(filter.cursor);
    and.push({ OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] });
  }
  if (and.length) where.AND = and;
  const rows = await prisma.workload.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.limit + 1,
  });
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    items: page.map(toWorkloadView),
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last) : null,
  };
}
