import { cn } from "@koi/ui/cn";
import type { TWorkloadView } from "@koi/contracts/workloads/workloads";

const statusTone: Record<TWorkloadView["status"], string> = {
  PENDING: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  PLANNING: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300",
  DISPATCHING: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300",
  RUNNING: "bg-brand-100 text-brand-700 dark:bg-brand-700/30 dark:text-brand-100",
  PAUSED: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  COMPLETED: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  FAILED: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  CANCELLED: "bg-zinc-100 text-muted-foreground dark:bg-zinc-800 dark:text-zinc-400",
};

const healthTone: Record<TWorkloadView["health"], { label: string; cls: string }> = {
  UNKNOWN: { label: "no forecast yet", cls: "text-muted-foreground border-zinc-200 dark:border-zinc-700" },
  ON_TRACK: {
    label: "on track",
    cls: "text-emerald-700 border-emerald-300 dark:text-emerald-400 dark:border-emerald-800",
  },
  AT_RISK: { label: "at risk", cls: "text-amber-700 border-amber-300 dark:text-amber-400 dark:border-amber-800" },
  LATE: { label: "late", cls: "text-red-700 border-red-300 dark:text-red-400 dark:border-red-800" },
};

export function StatusBadge({ status }: { status: TWorkloadView["status"] }) {
  return (
    <span className={cn("inline-flex rounded px-2 py-0.5 text-xs font-medium", statusTone[status])}>
      {status.toLowerCase()}
    </span>
  );
}

/** An online service is judged against its latency SLO, not a finish forecast. */
const serviceLabel: Record<TWorkloadView["health"], string> = {
  UNKNOWN: "SLO not judged yet",
  ON_TRACK: "within SLO",
  AT_RISK: "SLO at risk",
  LATE: "SLO missed",
};

export function HealthBadge({
  health,
  kind = "batch",
}: {
  health: TWorkloadView["health"];
  kind?: TWorkloadView["kind"];
}) {
  const h = kind === "online" ? { ...healthTone[health], label: serviceLabel[health] } : healthTone[health];
  return <span className={cn("inline-flex rounded border px-2 py-0.5 text-xs font-medium", h.cls)}>{h.label}</span>;
}

/** An accessible progress bar: the numbers are in the label, not only in the colour. */
export function ProgressBar({
  done,
  total,
  label,
  className,
}: {
  done: number;
  total: number;
  label: string;
  className?: string;
}) {
  const pct = total > 0 ? Math.min(100, (done / total) * 100) : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={total > 0 ? total : 100}
      aria-valuenow={total > 0 ? done : 0}
      className={cn("h-2 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800", className)}
    >
      <div className="h-full rounded-full bg-brand-700 transition-[width]" style={{ width: `${pct}%` }} />
    </div>
  );
}
