"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { ZWorkloadStatus, type TWorkloadStatus } from "@koi/contracts/workloads/workloads";
import { Alert, EmptyState } from "@koi/ui/card";
import { Field, Input, Select } from "@koi/ui/field";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@koi/ui/table";
import { formatNumber, formatUsd } from "@/lib/format";
import { RelativeTime } from "@/components/relative-time";
import { useDebounced } from "@/lib/use-debounced";
import { useTRPC } from "@/trpc/react";
import { HealthBadge, ProgressBar, StatusBadge } from "./workload-badges";

/** The org's workloads, newest first, refreshed every 3 s so status, progress and cost stay live. */
export function WorkloadsList({ slug, canSubmit }: { slug: string; canSubmit: boolean }) {
  const trpc = useTRPC();
  const [status, setStatus] = useState<TWorkloadStatus | "">("");
  const [kind, setKind] = useState<"batch" | "online" | "">("");
  const [search, setSearch] = useState("");
  const debouncedSearch = useDebounced(search.trim(), 300);
  const input = { status: status || undefined, kind: kind || undefined, search: debouncedSearch || undefined };
  const q = useQuery({
    ...trpc.workloads.list.queryOptions(input),
    refetchInterval: 3000,
    placeholderData: (prev) => prev,
  });
  const now = new Date(q.dataUpdatedAt || Date.now());
  const filtered = Boolean(status || kind || search.trim());

  return (
    <div className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-[1fr_12rem_10rem]">
        <Field id="wl-search" label="Search">
          <Input
            id="wl-search"
            type="search"
            placeholder="Name, model or id"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </Field>
        <Field id="wl-status" label="Status">
          <Select id="wl-status" value={status} onChange={(e) => setStatus(e.target.value as TWorkloadStatus | "")}>
            <option value="">Any status</option>
            {ZWorkloadStatus.options.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="wl-kind" label="Kind">
          <Select id="wl-kind" value={kind} onChange={(e) => setKind(e.target.value as "batch" | "online" | "")}>
            <option value="">Batch and online</option>
            <option value="batch">Batch</option>
            <option value="online">Online</option>
          </Select>
        </Field>
      </div>
      {q.isPending ? (
        <p className="text-sm text-muted-foreground" aria-busy="true">
          Loading workloads…
        </p>
      ) : q.isError ? (
        <Alert tone="error">Could not load workloads: {q.error.message}</Alert>
      ) : q.data.length === 0 ? (
        filtered ? (
          <EmptyState title="No workloads match these filters">Clear the search or pick another status.</EmptyState>
        ) : (
          <EmptyState
            title="No workloads yet"
            action={
              canSubmit ? (
                <Link
                  href={`/o/${slug}/workloads/new`}
                  className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800"
                >
                  New workload
                </Link>
              ) : null
            }
          >
            Submit a batch job or an online service: Koi picks the GPUs, routes it to Orca or Tuna and forecasts when it
            finishes.
          </EmptyState>
        )
      ) : (
        <Table boxed label="Workloads">
          <TableHeader>
            <TableRow>
              <TableHead>Workload</TableHead>
              <TableHead>Status</TableHead>
              <TableHead className="w-48">Progress</TableHead>
              <TableHead numeric>Cost</TableHead>
              <TableHead>Submitted</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {q.data.map((w) => {
              const created = new Date(w.createdAt);
              return (
                <TableRow key={w.id}>
                  <TableCell>
                    <Link
                      href={`/o/${slug}/workloads/${w.id}`}
                      className="font-medium hover:underline focus-visible:outline-2 focus-visible:outline-ring"
                    >
                      {w.name}
                    </Link>
                    <div className="text-xs text-muted-foreground">
                      {w.kind} · {w.model} · {w.priority}
                    </div>
                  </TableCell>
                  <TableCell>
                    <div className="flex flex-wrap gap-1">
                      <StatusBadge status={w.status} />
                      {w.status === "RUNNING" || w.status === "PAUSED" ? (
                        <HealthBadge health={w.health} kind={w.kind} />
                      ) : null}
                    </div>
                  </TableCell>
                  <TableCell>
                    {w.kind === "batch" ? (
                      <div className="min-w-32 space-y-1">
                        <ProgressBar
                          done={w.progress.estimated ?? w.progress.completed}
                          total={w.progress.total}
                          label={`Progress of ${w.name}`}
                        />
                        <div className="text-xs text-muted-foreground">
                          {w.progress.estimated === null ? "" : "≈ "}
                          {formatNumber(w.progress.estimated ?? w.progress.completed)} /{" "}
                          {formatNumber(w.progress.total)} requests
                        </div>
                      </div>
                    ) : (
                      <span className="text-xs text-muted-foreground">online service</span>
                    )}
                  </TableCell>
                  <TableCell numeric>
                    {formatUsd(w.costUsd)}
                    {w.budgetUsd ? (
                      <div className="text-xs text-muted-foreground">of {formatUsd(w.budgetUsd)} budget</div>
                    ) : null}
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-muted-foreground">
                    <RelativeTime date={created} now={now} />
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </div>
  );
}
