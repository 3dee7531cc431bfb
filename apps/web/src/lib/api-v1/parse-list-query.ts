import { ZWorkloadListQuery, type TWorkloadListQuery } from "@koi/contracts/workloads/workloads-api";
import { badRequest } from "./api-error-response.ts";
import { singleQueryValue } from "./single-query-value.ts";

/**
 * `?status=RUNNING,PAUSED&status=PENDING&kind=batch&limit=20&cursor=…` → validated query (400 naming the
 * field otherwise). Only `status` may repeat: its values add up.
 */
export function parseListQuery(url: URL): TWorkloadListQuery {
  const statuses = url.searchParams
    .getAll("status")
    .flatMap((s) => s.split(","))
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const raw: Record<string, unknown> = {};
  if (statuses.length) raw.status = statuses;
  for (const name of ["kind", "limit", "cursor"]) {
    const value = singleQueryValue(url, name);
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
