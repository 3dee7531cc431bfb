import { ZWorkloadView, type TWorkloadView } from "@koi/contracts/workloads/workloads";
import type { Workload } from "@koi/db";

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const str = (v: unknown) => (typeof v === "string" && v ? v : null);
// A stored time that is not a date (a drifted or hand-edited row) shows as unknown rather than
// failing the view's parse, which would take the whole list page down with it.
const time = (v: unknown) => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : null);
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * A Workload row as the dashboard and the public API show it (the stored forecast JSON made safe),
 * parsed with `ZWorkloadView` so both answer exactly the documented shape.
 */
export function toWorkloadView(w: Workload): TWorkloadView {
  const f = (w.forecast ?? {}) as Record<string, unknown>;
  const hasForecast = ["p10", "p50", "p90", "missProbability", "explanation"].some(
    (k) => f[k] !== undefined && f[k] !== null,
  );
  return ZWorkloadView.parse({
    id: w.id,
    name: w.name,
    kind: w.kind === "online" ? "online" : "batch",
    model: w.model,
    priority: (["low", "normal", "high", "urgent"] as const).find((p) => p === w.priority) ?? "normal",
    status: w.status,
    health: w.health,
    engine: w.engine === "orca" || w.engine === "tuna" ? w.engine : null,
    statusDetail: w.statusDetail,
    progress: { completed: w.progressDone, total: w.progressTotal, estimated: w.progressEstimate },
    costUsd: w.costUsd,
    predictedCostUsd: w.predictedCostUsd,
    budgetUsd: w.budgetUsd,
    deadlineAt: iso(w.deadlineAt),
    forecast: hasForecast
      ? {
          p10: time(f.p10),
          p50: time(f.p50),
          p90: time(f.p90),
          missProbability: num(f.missProbability),
          explanation: str(f.explanation),
        }
      : null,
    createdAt: w.createdAt.toISOString(),
    startedAt: iso(w.startedAt),
    completedAt: iso(w.completedAt),
  });
}
