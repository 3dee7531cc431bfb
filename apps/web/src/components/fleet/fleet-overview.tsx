"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Card, EmptyState, Alert } from "@koi/ui/card";
import { RelativeTime } from "@/components/relative-time";
import { useTRPC } from "@/trpc/react";
import { LiveIndicator } from "@/components/live/live-indicator";
import { useLiveTopic } from "@/components/live/use-live-topic";
import { AgentStatusBadge } from "./agent-status-badge";
import { GpuPoolsTable } from "./gpu-pools-table";
import { OfflineAgents } from "./offline-agents";

/**
 * Clusters, their agents and GPU pools, live: refetched when an agent, pool or assignment changes
 * (server-sent events). Heartbeat times are not pushed, so they refresh every 15 s (every 5 s, as
 * everything, while the stream is down).
 */
export function FleetOverview({ slug }: { slug: string }) {
  const trpc = useTRPC();
  const live = useLiveTopic("fleet", [trpc.fleet.pathKey()]);
  const fleet = useQuery({ ...trpc.fleet.list.queryOptions(), refetchInterval: live ? 15_000 : 5000 });
  const now = new Date(fleet.dataUpdatedAt || Date.now());
  const connectHref = `/o/${slug}/fleet/connect`;

  if (fleet.isPending) return <p className="text-sm text-muted-foreground">Loading the fleet…</p>;
  if (fleet.isError) return <Alert tone="error">Could not load the fleet: {fleet.error.message}</Alert>;
  const { clusters, offline, totals } = fleet.data;
  if (!clusters.length && !offline.length) {
    return (
      <EmptyState
        title="No engines connected yet"
        action={
          <Link
            href={connectHref}
            className="rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800"
          >
            Connect an engine
          </Link>
        }
      >
        Run the Koi agent beside Orca, Tuna or the simulator; it shows up here within one heartbeat.
      </EmptyState>
    );
  }
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="text-sm" data-testid="fleet-totals">
          {clusters.length ? (
            <>
              <span className="font-semibold">
                {totals.available} of {totals.total} GPUs
              </span>{" "}
              free on {clusters.length} cluster{clusters.length === 1 ? "" : "s"} with an agent online.
            </>
          ) : (
            <>No agent is online: Koi has no GPUs to place workloads on until one is back.</>
          )}
        </p>
        <LiveIndicator streaming={live} pollSeconds={5} />
      </div>
      {clusters.map((cluster) => (
        <Card key={cluster.id} className="space-y-4">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 className="text-lg font-semibold">{cluster.name}</h2>
            <p className="text-sm text-muted-foreground">
              {cluster.kind}
              {cluster.provider ? ` · ${cluster.provider}` : ""}
              {cluster.region ? ` · ${cluster.region}` : ""}
            </p>
          </div>
          <section aria-label={`Agents of ${cluster.name}`}>
            <h3 className="mb-2 text-sm font-medium text-muted-foreground">Agents</h3>
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {cluster.agents.map((agent) => (
                <li key={agent.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                  <Link href={`/o/${slug}/fleet/agents/${agent.id}`} className="font-medium hover:underline">
                    {agent.engine} agent <span className="text-muted-foreground">v{agent.version}</span>
                  </Link>
                  <span className="flex items-center gap-3">
                    <AgentStatusBadge status={agent.status} />
                    <span className="text-muted-foreground">
                      {agent.lastHeartbeatAt ? (
                        <>
                          last heartbeat <RelativeTime date={agent.lastHeartbeatAt} now={now} />
                        </>
                      ) : (
                        "no heartbeat yet"
                      )}
                    </span>
                  </span>
                </li>
              ))}
            </ul>
          </section>
          <section aria-label={`GPU pools of ${cluster.name}`}>
            <h3 className="mb-2 text-sm font-medium text-muted-foreground">GPU pools</h3>
            {cluster.pools.length || !cluster.emptyPools.length ? (
              <GpuPoolsTable pools={cluster.pools} now={now} label={`GPU pools of ${cluster.name}`} />
            ) : null}
            {cluster.emptyPools.length ? (
              <p className="mt-2 text-sm text-muted-foreground" data-testid="empty-pools">
                Also reported, with no GPUs now: {cluster.emptyPools.map((p) => `${p.gpuType} ${p.market}`).join(", ")}.
              </p>
            ) : null}
          </section>
        </Card>
      ))}
      {offline.length ? <OfflineAgents agents={offline} slug={slug} now={now} /> : null}
    </div>
  );
}
