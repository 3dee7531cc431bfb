import { TRPCError } from "@trpc/server";
import { ZWaitlistStatus } from "@koi/services/waitlist/list-waitlist.schema";
import { fleetSizeLabel, workloadTypeLabel } from "@koi/services/waitlist/join-waitlist.schema";
import { toCsv } from "@koi/core/csv";
import { serverApi } from "@/trpc/server";

const notFound = () =>
  new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });

/** Staff-only download; anyone else (signed in or not) gets the same 404 as any missing page. */
export async function GET(request: Request) {
  const params = new URL(request.url).searchParams;
  const status = ZWaitlistStatus.safeParse(params.get("status")).data;
  const search = params.get("q")?.trim().slice(0, 200) || undefined;

  let rows;
  try {
    rows = await (await serverApi()).admin.waitlist.export({ status, search });
  } catch (err) {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "UNAUTHORIZED")) return notFound();
    throw err;
  }

  const csv = toCsv(
    [
      "id",
      "email",
      "name",
      "company",
      "fleet_size",
      "workload_type",
      "status",
      "joined_at",
      "confirmed_at",
      "approved_at",
    ],
    rows.map((r) => [
      r.id,
      r.email,
      r.name,
      r.company,
      fleetSizeLabel(r.fleetSize),
      workloadTypeLabel(r.workloadType),
      r.status,
      r.createdAt,
      r.confirmedAt,
      r.approvedAt,
    ]),
  );
  const day = new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="koi-waitlist-${day}.csv"`,
      "cache-control": "private, no-store",
    },
  });
}
