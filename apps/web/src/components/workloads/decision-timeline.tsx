import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@koi/api";
import type { TDecisionKind } from "@koi/contracts/workloads/workloads";
import { formatHours, formatUsd, formatUsdPerHour } from "@/lib/format";
import { RelativeTime } from "@/components/relative-time";
import { countNoun } from "./count-noun";

type TDecision = inferRouterOutputs<AppRouter>["workloads"]["get"]["decisions"][number];

const kindLabel: Record<TDecisionKind, string> = {
  initial: "Initial plan",
  scale_up: "Scaled up",
  scale_down: "Scaled down",
  swap: "Swapped GPUs",
  failover: "Failed over",
  rebalance_pause: "Paused for urgent work",
  rebalance_resume: "Resumed",
  replan: "Replanned",
  slo_unreachable: "SLO unreachable",
};

/** Every choice Koi made for this workload, oldest first, with why and what it passed over. */
export function DecisionTimeline({ decisions, now }: { decisions: TDecision[]; now: Date }) {
  return (
    <ol className="relative space-y-5 border-l border-zinc-200 pl-5 dark:border-zinc-800">
      {decisions.map((d) => (
        <li key={d.id} className="relative">
          <span aria-hidden className="absolute -left-[1.6rem] top-1.5 size-2.5 rounded-full bg-brand-700" />
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h3 className="font-medium">{kindLabel[d.kind]}</h3>
            <RelativeTime className="text-xs text-muted-foreground" date={d.createdAt} now={now} />
          </div>
          <p className="text-sm text-muted-foreground">
            {[
              d.plan.summary,
              d.plan.gpus !== null ? countNoun(d.plan.gpus, "GPU") : null,
              d.plan.costPerHour !== null ? formatUsdPerHour(d.plan.costPerHour) : null,
              d.plan.predictedHours !== null ? `~${formatHours(d.plan.predictedHours)}` : null,
              d.plan.totalCost !== null ? `${formatUsd(d.plan.totalCost)} total` : null,
            ]
              .filter(Boolean)
              .join(" · ")}
          </p>
          <p className="mt-1 text-sm">{d.reason}</p>
          {d.alternatives.length ? (
            <details className="mt-1 text-sm">
              <summary className="cursor-pointer text-muted-foreground">
                {countNoun(d.alternatives.length, "alternative")} considered
              </summary>
              <ul className="mt-1 space-y-0.5 pl-4">
                {d.alternatives.map((a, i) => (
                  <li key={i} className="flex justify-between gap-3">
                    <span>{a.summary}</span>
                    <span className="tabular-nums text-muted-foreground">
                      {a.costDelta !== null
                        ? `+${formatUsd(a.costDelta)}`
                        : a.totalCost !== null
                          ? formatUsd(a.totalCost)
                          : ""}
                    </span>
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
