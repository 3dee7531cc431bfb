import Link from "next/link";
import { Alert } from "@koi/ui/card";
import { RelativeTime } from "@/components/relative-time";
import type { TCosts } from "@koi/services/costs/costs.schema";

/**
 * Says the spend leaves out usage an agent reported that cannot be true (more GPU-seconds than its
 * pools hold, a price beyond any cloud's): such figures come from an agent bug or a forged report,
 * and the team has to look at the agent, not at a bill of billions.
 */
export function UsageRefusedAlert({
  slug,
  refused,
  period,
}: {
  slug: string;
  refused: TCosts["usageRefused"];
  period: string;
}) {
  if (!refused.latest) return null;
  const { latest } = refused;
  return (
    <Alert tone="error">
      <p className="font-medium">
        Koi did not bill usage from {refused.reports} agent report{refused.reports === 1 ? "" : "s"} {period}: the
        figures could not be true, so they were not billed when reported.
      </p>
      <p className="mt-1">
        Latest, <RelativeTime date={latest.at} />
        {latest.agent ? (
          <>
            {" "}
            from the{" "}
            <Link className="underline" href={`/o/${slug}/fleet/agents/${latest.agent.id}`}>
              {latest.agent.label}
            </Link>
          </>
        ) : null}
        : {latest.reason}. Check that agent&apos;s version and its engine&apos;s units.
      </p>
    </Alert>
  );
}
