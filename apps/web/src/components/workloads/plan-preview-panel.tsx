import type { TPlanView } from "@koi/contracts/workloads/workloads-api";
import { Alert } from "@koi/ui/card";
import { formatHours, formatNumber, formatUsd, formatUsdPerHour } from "@/lib/format";

const bindingLabel: Record<string, string> = {
  deadline: "The deadline cannot be met",
  availability: "Not enough GPUs are free",
  quota: "Your quota is too small",
  "memory-fit": "The model does not fit on the GPUs you have",
  budget: "The budget is too small",
  "max-gpus": "It needs more GPUs than allowed",
  latency: "The latency targets cannot be met",
  "unknown-gpu": "The GPUs reported are unknown to the planner",
};

/** Why no plan fits, in a few words ("The deadline cannot be met"). */
export function bindingHeadline(plan: TPlanView): string {
  return plan.binding ? (bindingLabel[plan.binding.constraint] ?? plan.binding.constraint) : "No plan fits";
}

/** The plan Koi would choose right now for the form's workload, with its runners-up. */
export function PlanPreviewPanel({ plan, deadlineHours }: { plan: TPlanView; deadlineHours?: number }) {
  if (!plan.feasible) {
    return (
      <div className="space-y-3" data-testid="plan-preview">
        <Alert tone="error">
          <p className="font-medium">{bindingHeadline(plan)}</p>
          {plan.binding?.detail ? <p className="mt-1">{plan.binding.detail}</p> : null}
          {plan.binding?.bestAchievableHours ? (
            <p className="mt-1">
              The fastest possible with everything allowed: {formatHours(plan.binding.bestAchievableHours)}.
            </p>
          ) : null}
        </Alert>
        <p className="text-sm text-muted-foreground">
          Relax the deadline, allow more markets or connect more GPUs, then the preview updates.
        </p>
      </div>
    );
  }
  return (
    <div className="space-y-4" data-testid="plan-preview">
      <dl className="grid grid-cols-2 gap-3 text-sm">
        <Stat label="GPUs" value={`${plan.gpus} GPU${plan.gpus === 1 ? "" : "s"}`} />
        <Stat label="Cost per hour" value={formatUsdPerHour(plan.costPerHour)} />
        <Stat
          label={plan.kind === "batch" ? "Total cost" : "Cost per hour of traffic"}
          value={formatUsd(plan.totalCost)}
        />
        {plan.kind === "batch" && plan.predictedHours !== undefined ? (
          <Stat
            label="Finishes in"
            value={formatHours(plan.predictedHours)}
            hint={finishHint(plan.predictedHoursP90, deadlineHours)}
          />
        ) : plan.predictedLatency ? (
          <Stat
            label="Latency p95"
            value={`${formatNumber(plan.predictedLatency.ttftMs)} ms TTFT · ${formatNumber(plan.predictedLatency.tpotMs, 1)} ms TPOT`}
          />
        ) : null}
        <Stat label="Engine" value={plan.engine === "orca" ? "Orca (batch)" : "Tuna (online)"} />
        <Stat label="Throughput" value={`${formatNumber(plan.tokensPerSecond)} tok/s`} />
        {plan.startupHours !== undefined ? (
          <Stat
            label="Start-up"
            value={formatHours(plan.startupHours)}
            hint="machines provisioned and the model loaded; counted in the finish time"
          />
        ) : null}
      </dl>
      <div>
        <h3 className="text-xs font-medium uppercase tracking-wide text-muted-foreground">Placement</h3>
        <ul className="mt-1 text-sm">
          {plan.replicas.map((r, i) => (
            <li key={i}>
              {r.count}× {r.gpuType} · TP{r.tp}
              {r.pp && r.pp > 1 ? ` × PP${r.pp}` : ""} · {r.market}
              {r.machines && r.instanceType ? ` · ${r.machines} × ${r.instanceType}` : ""}
              {r.role !== "both" ? ` · ${r.role}` : ""}
            </li>
          ))}
        </ul>
      </div>
      <div>
        <h3 className="text-xs font-medium uppercase tracking-wide text-muted-foreground">Why</h3>
        <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">{plan.reason}</p>
      </div>
      {plan.alternatives.length ? (
        <div>
          <h3 className="text-xs font-medium uppercase tracking-wide text-muted-foreground">Alternatives</h3>
          <ul className="mt-1 divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
            {plan.alternatives.map((a, i) => (
              <li key={i} className="flex justify-between gap-3 py-1.5">
                <span>{a.summary}</span>
                <span className="whitespace-nowrap tabular-nums text-muted-foreground">+{formatUsd(a.costDelta)}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** The P90 finish (what the plan promises against the deadline) under the median one. */
function finishHint(p90Hours: number | undefined, deadlineHours: number | undefined): string | undefined {
  const parts = [
    p90Hours !== undefined ? `P90 ${formatHours(p90Hours)}` : null,
    deadlineHours ? `deadline ${formatHours(deadlineHours)}` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : undefined;
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div>
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="font-medium tabular-nums">{value}</dd>
      {hint ? <dd className="text-xs text-muted-foreground">{hint}</dd> : null}
    </div>
  );
}
