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
import { MainContent } from "@/components/layout/main-content";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@koi/ui/table";

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
          <span className="block text-xs text-muted-foreground">{t.label}</span>
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
    <MainContent className="mx-auto max-w-6xl space-y-6 px-4 py-10 sm:px-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-sm text-muted-foreground">Admin</p>
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
              <Link href="/admin/waitlist" className="text-sm font-medium text-link hover:underline">
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
        <Table boxed label="Waitlist entries, newest first">
          <TableHeader>
            <TableRow>
              <TableHead>Person</TableHead>
              <TableHead>Company</TableHead>
              <TableHead>GPUs</TableHead>
              <TableHead>Workload</TableHead>
              <TableHead>Status</TableHead>
              <TableHead>Joined</TableHead>
              <TableHead className="text-right">Action</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {page.items.map((e) => (
              <TableRow key={e.id} data-entry-email={e.email}>
                <TableCell>
                  <span className="block font-medium">{e.name}</span>
                  <span className="block text-muted-foreground">{e.email}</span>
                </TableCell>
                <TableCell>{e.company}</TableCell>
                <TableCell className="whitespace-nowrap">{fleetSizeLabel(e.fleetSize)}</TableCell>
                <TableCell>{workloadTypeLabel(e.workloadType)}</TableCell>
                <TableCell>
                  <StatusBadge status={e.status} />
                </TableCell>
                <TableCell className="whitespace-nowrap text-muted-foreground">
                  <RelativeTime date={e.createdAt} now={now} />
                </TableCell>
                <TableCell className="text-right whitespace-nowrap">
                  {e.status === "CONFIRMED" ? <ApproveButton entryId={e.id} email={e.email} /> : null}
                  {e.status === "PENDING" ? (
                    <span className="text-xs text-muted-foreground">Waiting for email confirmation</span>
                  ) : null}
                  {e.status === "APPROVED" && e.approvedAt ? (
                    <span className="text-xs text-muted-foreground">
                      Invited <RelativeTime date={e.approvedAt} now={now} />
                    </span>
                  ) : null}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}

      {filter.cursor || page.nextCursor ? (
        <nav aria-label="Pages" className="flex justify-between text-sm">
          {filter.cursor ? (
            <Link
              href={href("/admin/waitlist", { status: filter.status, q: filter.search })}
              className="font-medium text-link hover:underline"
            >
              ← Newest
            </Link>
          ) : (
            <span />
          )}
          {page.nextCursor ? (
            <Link
              href={href("/admin/waitlist", { status: filter.status, q: filter.search, cursor: page.nextCursor })}
              className="font-medium text-link hover:underline"
            >
              Older →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </MainContent>
  );
}
