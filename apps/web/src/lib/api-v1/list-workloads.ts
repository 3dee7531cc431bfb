import "server-only";
import { ZWorkloadListQuery, type TWorkloadList } from "@koi/contracts/workloads/workloads-api";
import { prisma, type Prisma } from "@koi/db";
import { badRequest } from "./api-error-response.ts";
import { toWorkloadView } from "./workload-view.ts";

/** Opaque keyset cursor: the (createdAt, id) of the last row of the previous page. */
export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|", 2);
  const createdAt = new Date(at ?? "");
  if (!id || Number.isNaN(createdAt.getTime()))
    throw badRequest("cursor is not a cursor this API returned.", { cursor: "invalid cursor" });
  return { createdAt, id };
}

/** `?status=RUNNING,PAUSED&status=PENDING&kind=batch&limit=20&cursor=…` → validated query (400 naming the field otherwise). */
export function parseListQuery(url: URL) {
  const statuses = url.searchParams
    .getAll("status")
    .flatMap((s) => s.split(","))
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const raw: Record<string, unknown> = {};
  if (statuses.length) raw.status = statuses;
  for (const name of ["kind", "limit", "cursor"]) {
    const value = url.searchParams.get(name);
    if (value !== null) raw[name] = value;
  }
  const result = ZWorkloadListQuery.safeParse(raw);
  if (!result.success) {
    const fields = Object.fromEntries(result.error.issues.map((i) => [String(i.path[0] ?? "query"), i.message]));
    const [field, message] = Object.entries(fields)[0] ?? ["query", "invalid"];
    throw badRequest(`Invalid query: ${field}: ${message}`, fields);
  }
  return result.data;
}

/** One page of the org's workloads, newest first. */
export async function listWorkloads(orgId: string, url: URL): Promise<TWorkloadList> {
  const q = parseListQuery(url);
  const where: Prisma.WorkloadWhereInput = { orgId };
  if (q.status) where.status = { in: q.status };
  if (q.kind) where.kind = q.kind;
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    where.OR = [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }];
  }
  const rows = await prisma.workload.findMany({
    where,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { items: page.map(toWorkloadView), nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
}
