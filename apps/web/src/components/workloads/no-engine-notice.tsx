import Link from "next/link";
import { Alert } from "@koi/ui/card";

/**
 * Instead of a plan, when Koi has no GPUs to plan on because no engine is connected (or none is
 * online): the planner would only say "not enough GPUs are free", which sends people looking for
 * busy GPUs that do not exist.
 */
export function NoEngineNotice({ slug, anyAgents }: { slug: string; anyAgents: boolean }) {
  return (
    <div className="space-y-3" data-testid="plan-preview">
      <Alert tone="info">
        <p className="font-medium">{anyAgents ? "No engine is online" : "No engine is connected yet"}</p>
        <p className="mt-1">
          {anyAgents
            ? "Your agents have stopped sending heartbeats, so Koi has no free GPUs to plan on. Check them on the Fleet page."
            : "Koi plans on the GPUs your engines report, and none has reported yet. Connect Orca, Tuna or the simulator; the preview fills in within one heartbeat."}
        </p>
      </Alert>
      <Link
        href={anyAgents ? `/o/${slug}/fleet` : `/o/${slug}/fleet/connect`}
        className="inline-flex rounded-md bg-brand-700 px-4 py-2 text-sm font-medium text-white hover:bg-brand-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
      >
        {anyAgents ? "Open the Fleet page" : "Connect an engine"}
      </Link>
    </div>
  );
}
