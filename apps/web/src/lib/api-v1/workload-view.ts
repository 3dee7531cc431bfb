import { ZWorkloadView, type TWorkloadView } from "@koi/contracts/workloads/workloads";
import type { Workload } from "@koi/db";

const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const isoOrNull = (v: unknown) => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : null);

function forecastOf(raw: unknown): TWorkloadView["forecast"] {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return null;
  const f = raw as Record<string, unknown>;
  if (f.p50 === undefined && f.p10 === undefined && f.p90 === undefined) return null;
  return {
    p10: isoOrNull(f.p10),
    p50: isoOrNull(f.p50),
    p90: isoOrNull(f.p90),
    missProbability: typeof f.missProbability === "number" ? f.missProbability : null,
    explanation: typeof f.explanation === "string" ? f.explanation : null,
  };
}

/** The public view of a workload row; parsed with `ZWorkloadView` so nothing else ever leaks out. */
export function toWorkloadView(w: Workload): TWorkloadView {
  return ZWorkloadView.parse({
    id: w.id,
    name: w.name,
    kind: w.kind === "online" ? "online" : "batch",
    model: w.model,
    priority: (PRIORITIES as readonly string[]).includes(w.priority) ? w.priority : "normal",
    status: w.status,
    health: w.health,
    engine: w.engine === "orca" || w.engine === "tuna" ? w.engine : null,
    statusDetail: w.statusDetail,
    progress: { completed: w.progressDone, total: w.progressTotal },
    costUsd: w.costUsd,
    predictedCostUsd: w.predictedCostUsd,
    budgetUsd: w.budgetUsd,
    deadlineAt: iso(w.deadlineAt),
    forecast: forecastOf(w.forecast),
    createdAt: w.createdAt.toISOString(),
    startedAt: iso(w.startedAt),
    completedAt: iso(w.completedAt),
  });
}
