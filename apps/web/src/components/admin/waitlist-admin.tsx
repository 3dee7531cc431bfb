import type { inferRouterOutputs } from "@trpc/server";
import { Download, Search } from "lucide-react";
import Link from "next/link";
import type { AppRouter } from "@koi/api";
import { waitlistStatuses } from "@koi/services/waitlist/list-waitlist.schema";
import { fleetSizeLabel, workloadTypeLabel } from "@koi/services/waitlist/join-waitlist.schema";
import { Button } from "@koi/ui/button";
import { EmptyState } from "@koi/ui/card";
import { cn } from "@koi/ui/cn";
import { Input, Select } from "@koi/ui/field";
import { RelativeTime } from "@/components/relative-time";
import { ApproveButton } from "./approve-button";

type TPage = inferRouterOutputs<AppRouter>["admin"]["waitlist"]["list"];
type TStatus = (typeof waitlistStatuses)[number];
type TFilter = { status?: TStatus; search?: string; cursor?: string };

const statusLabel: Record<TStatus, string> = { PENDING: "Unconfirmed", CONFIRMED: "Confirmed", APPROVED: "Approved" };
const statusTone: Record<TStatus, string> = {
  PENDING: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  CONFIRMED: "bg-sky-100 text-sky-800 dark:bg-sky-900/40 dark:text-sky-300",
  APPROVED: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/40 dark:text-emerald-300",
};

function href(path: string, params: Record<string, string | undefined>) {
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1])).toString();
  return query ? `${path}?${query}` : path;
}

function StatusCounts({ counts, active, search }: { counts: TPage["counts"]; active?: TStatus; search?: string }) {
  const tiles: { key?: TStatus; label: string; value: number }[] = [
    { label: "All", value: counts.total },
    ...waitlistStatuses.map((s) => ({ key: s, label: statusLabel[s], value: counts[s] })),
  ];
  return (
    <nav aria-label="Filter by status" className="grid grid-cols-2 gap-3 sm:grid-cols-4">
      {tiles.map((t) => (
        <Link
          key={t.label}
          href={href("/admin/waitlist", { status: t.key, q: search })}
          aria-current={active === t.key ? "page" : undefined}
          className={cn(
            "rounded-lg border px-4 py-3 hover:border-brand-500",
            active === t.key
              ? "border-brand-500 bg-brand-50 dark:bg-brand-500/10"
              : "border-zinc-200 dark:border-zinc-800",
          )}
        >
          <span className="block text-xs text-zinc-500">{t.label}</span>
          <span className="block text-2xl font-semibold tabular-nums">{t.value}</span>
        </Link>
      ))}
    </nav>
  );
}

function StatusBadge({ status }: { status: TStatus }) {
  return (
    <span className={cn("rounded-full px-2 py-0.5 text-xs font-medium", statusTone[status])}>
      {statusLabel[status]}
    </span>
  );
}

export function WaitlistAdmin({ page, filter }: { page: TPage; filter: TFilter }) {
  const now = new Date();
  const filtered = !!(filter.status || filter.search);
  return (
    <main className="mx-auto max-w-6xl space-y-6 px-4 py-10 sm:px-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-sm text-zinc-500">Admin</p>
          <h1 className="text-2xl font-bold tracking-tight">Waitlist</h1>
        </div>
        <a
          href={href("/admin/waitlist/export.csv", { status: filter.status, q: filter.search })}
          className="inline-flex h-9 items-center gap-2 rounded-md border border-zinc-300 px-3 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900"
        >
          <Download aria-hidden className="size-4" /> Export CSV
        </a>
      </div>

      <StatusCounts counts={page.counts} active={filter.status} search={filter.search} />

      <form method="get" action="/admin/waitlist" role="search" className="flex flex-wrap items-end gap-3">
        <div className="min-w-56 flex-1">
          <label htmlFor="waitlist-search" className="block text-sm font-medium">
            Search
          </label>
          <Input
            id="waitlist-search"
            name="q"
            type="search"
            defaultValue={filter.search}
            placeholder="Email, name or company"
            className="mt-1"
          />
        </div>
        <div>
          <label htmlFor="waitlist-status" className="block text-sm font-medium">
            Status
          </label>
          <Select id="waitlist-status" name="status" defaultValue={filter.status ?? ""} className="mt-1">
            <option value="">All</option>
            {waitlistStatuses.map((s) => (
              <option key={s} value={s}>
                {statusLabel[s]}
              </option>
            ))}
          </Select>
        </div>
        <Button type="submit" variant="secondary">
          <Search aria-hidden className="size-4" /> Filter
        </Button>
      </form>

      {page.items.length === 0 ? (
        filtered ? (
          <EmptyState
            title="No entries match"
            action={
              <Link href="/admin/waitlist" className="text-sm font-medium text-brand-700 hover:underline">
                Clear the filters
              </Link>
            }
          >
            Try another search or status.
          </EmptyState>
        ) : (
          <EmptyState title="No one on the waitlist yet">
            Sign-ups from the form on the homepage appear here once they arrive.
          </EmptyState>
        )
      ) : (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Waitlist entries, newest first</caption>
            <thead className="bg-zinc-50 text-xs text-zinc-500 dark:bg-zinc-900">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">
                  Person
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Company
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  GPUs
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Workload
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Status
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Joined
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Action
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
              {page.items.map((e) => (
                <tr key={e.id} data-entry-email={e.email}>
                  <td className="px-4 py-3">
                    <span className="block font-medium">{e.name}</span>
                    <span className="block text-zinc-500">{e.email}</span>
                  </td>
                  <td className="px-4 py-3">{e.company}</td>
                  <td className="px-4 py-3 whitespace-nowrap">{fleetSizeLabel(e.fleetSize)}</td>
                  <td className="px-4 py-3">{workloadTypeLabel(e.workloadType)}</td>
                  <td className="px-4 py-3">
                    <StatusBadge status={e.status} />
                  </td>
                  <td className="px-4 py-3 whitespace-nowrap text-zinc-500">
                    <RelativeTime date={e.createdAt} now={now} />
                  </td>
                  <td className="px-4 py-3 text-right whitespace-nowrap">
                    {e.status === "CONFIRMED" ? <ApproveButton entryId={e.id} email={e.email} /> : null}
                    {e.status === "PENDING" ? (
                      <span className="text-xs text-zinc-500">Waiting for email confirmation</span>
                    ) : null}
                    {e.status === "APPROVED" && e.approvedAt ? (
                      <span className="text-xs text-zinc-500">
                        Invited <RelativeTime date={e.approvedAt} now={now} />
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {filter.cursor || page.nextCursor ? (
        <nav aria-label="Pages" className="flex justify-between text-sm">
          {filter.cursor ? (
            <Link
              href={href("/admin/waitlist", { status: filter.status, q: filter.search })}
              className="font-medium text-brand-700 hover:underline"
            >
              ← Newest
            </Link>
          ) : (
            <span />
          )}
          {page.nextCursor ? (
            <Link
              href={href("/admin/waitlist", { status: filter.status, q: filter.search, cursor: page.nextCursor })}
              className="font-medium text-brand-700 hover:underline"
            >
              Older →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </main>
  );
}
