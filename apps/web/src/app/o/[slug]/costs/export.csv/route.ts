import { TRPCError } from "@trpc/server";
import { ZCostRange } from "@koi/services/costs/costs.schema";
import { toCsv } from "@koi/core/csv";
import { serverApi } from "@/trpc/server";

const notFound = () =>
  new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });

/**
 * The org's usage rows as CSV. The slug must be the session's active org (costs procedures read
 * the org from the session), and membership is re-checked by the procedure: anyone else gets 404.
 */
export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const range = ZCostRange.catch("7d").parse(new URL(request.url).searchParams.get("range"));
  const api = await serverApi();
  let rows;
  try {
    const org = (await api.org.listMine()).find((o) => o.slug === slug);
    // The session's active org must be the one in the URL, or the rows would be another org's.
    if (!org?.isActive) return notFound();
    rows = await api.costs.export({ range });
  } catch (err) {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "UNAUTHORIZED")) return notFound();
    throw err;
  }
  const csv = toCsv(
    [
      "at",
      "component",
      "gpu_type",
      "gpu_seconds",
      "requests",
      "cost_usd",
      "workload_id",
      "workload_name",
      "assignment_id",
    ],
    rows.map((r) => [
      r.at,
      r.component,
      r.gpuType,
      r.seconds,
      r.requests,
      r.costUsd,
      r.workloadId,
      r.workloadName,
      r.assignmentId,
    ]),
  );
  const day = new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="koi-costs-${slug}-${range}-${day}.csv"`,
      "cache-control": "private, no-store",
    },
  });
}
