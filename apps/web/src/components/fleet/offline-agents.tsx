import Link from "next/link";
import { Card } from "@koi/ui/card";
import { RelativeTime } from "@/components/relative-time";

type TOfflineAgent = {
  id: string;
  engine: string;
  version: string;
  clusterName: string;
  gpus: number;
  lastHeartbeatAt: Date | null;
};

/** Agents that stopped sending heartbeats: listed apart, their GPUs counted nowhere until they return. */
export function OfflineAgents({ agents, slug, now }: { agents: TOfflineAgent[]; slug: string; now: Date }) {
  return (
    <Card className="space-y-3">
      <section aria-labelledby="offline-agents-heading">
        <h2 id="offline-agents-heading" className="text-lg font-semibold">
          Offline
        </h2>
        <p className="text-sm text-muted-foreground">
          These agents stopped sending heartbeats. Koi does not place work on their GPUs or count them until they are
          back.
        </p>
        <ul className="mt-2 divide-y divide-zinc-100 dark:divide-zinc-800">
          {agents.map((agent) => (
            <li key={agent.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
              <Link href={`/o/${slug}/fleet/agents/${agent.id}`} className="font-medium hover:underline">
                {agent.engine} agent on {agent.clusterName}{" "}
                <span className="text-muted-foreground">v{agent.version}</span>
              </Link>
              <span className="text-muted-foreground">
                {agent.gpus} GPU{agent.gpus === 1 ? "" : "s"} not counted ·{" "}
                {agent.lastHeartbeatAt ? (
                  <>
                    last heartbeat <RelativeTime date={agent.lastHeartbeatAt} now={now} />
                  </>
                ) : (
                  "never sent a heartbeat"
                )}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </Card>
  );
}
