"use client";

import { useQuery } from "@tanstack/react-query";
import { Alert, Card, EmptyState } from "@koi/ui/card";
import { RelativeTime } from "@/components/relative-time";
import { useTRPC } from "@/trpc/react";
import { useLiveTopic } from "@/components/live/use-live-topic";
import { AgentStatusBadge } from "./agent-status-badge";
import { GpuPoolsTable } from "./gpu-pools-table";

/** One agent, live like the fleet page (fleet-overview.tsx). */
export function AgentDetail({ agentId }: { agentId: string }) {
  const trpc = useTRPC();
  const live = useLiveTopic("fleet", [trpc.fleet.pathKey()]);
  const q = useQuery({ ...trpc.fleet.agent.queryOptions({ agentId }), refetchInterval: live ? 15_000 : 5000 });
  if (q.isPending) return <p className="text-sm text-muted-foreground">Loading the agent…</p>;
  if (q.isError) return <Alert tone="error">Could not load this agent: {q.error.message}</Alert>;
  const { agent, pools, events } = q.data;
  const now = new Date(q.dataUpdatedAt || Date.now());
  const at = (d: Date) => <RelativeTime date={d} now={now} />;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">
          {agent.engine} agent on {agent.cluster.name}
        </h1>
        <AgentStatusBadge status={agent.status} />
      </div>
      <Card>
        <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-muted-foreground">Version</dt>
            <dd className="font-medium">{agent.version}</dd>
          </div>
          <div>
            <dt className="text-muted-foreground">Last heartbeat</dt>
            <dd className="font-medium">{agent.lastHeartbeatAt ? at(agent.lastHeartbeatAt) : "never"}</dd>
          </div>
          <div>
            <dt className="text-muted-foreground">Heartbeat every</dt>
            <dd className="font-medium">{agent.heartbeatIntervalSeconds} s</dd>
          </div>
          <div>
            <dt className="text-muted-foreground">Capabilities</dt>
            <dd className="font-medium">{agent.capabilities.join(", ") || "—"}</dd>
          </div>
        </dl>
      </Card>
      <Card className="space-y-3">
        <h2 className="font-medium">GPU pools</h2>
        {agent.status === "OFFLINE" ? (
          <p className="text-sm text-muted-foreground">
            As last reported. The agent is offline, so Koi does not plan on these GPUs or count them until it is back.
          </p>
        ) : null}
        <GpuPoolsTable pools={pools} now={now} label="GPU pools" />
      </Card>
      <Card className="space-y-3">
        <h2 className="font-medium">Recent events</h2>
        {events.length === 0 ? (
          <EmptyState title="No events yet">
            Lifecycle events from the engine (launches, failures, preemptions) appear here.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
            {events.map((e) => (
              <li key={e.id} className="flex flex-wrap items-baseline justify-between gap-2 py-2">
                <span>
                  <span className="font-medium">{e.type.replace(/_/g, " ")}</span>
                  {e.reasonCode ? (
                    <span className="ml-2 rounded bg-zinc-100 px-1.5 py-0.5 text-xs dark:bg-zinc-800">
                      {e.reasonCode}
                    </span>
                  ) : null}
                  {e.detail ? <span className="ml-2 text-muted-foreground">{e.detail}</span> : null}
                  {e.engineRef ? (
                    <span className="ml-2 font-mono text-xs text-muted-foreground">{e.engineRef}</span>
                  ) : null}
                </span>
                <span className="text-muted-foreground">{at(e.at)}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
