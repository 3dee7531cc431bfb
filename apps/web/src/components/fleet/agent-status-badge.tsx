import { cn } from "@koi/ui/cn";

const tones = {
  ONLINE:
    "bg-emerald-50 text-emerald-800 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-900",
  DEGRADED: "bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-900",
  OFFLINE: "bg-zinc-100 text-zinc-600 ring-zinc-200 dark:bg-zinc-900 dark:text-zinc-400 dark:ring-zinc-800",
} as const;

export function AgentStatusBadge({ status }: { status: keyof typeof tones }) {
  return (
    <span
      className={cn(
        "inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1",
        tones[status],
      )}
    >
      <span
        aria-hidden
        className={cn(
          "size-1.5 rounded-full",
          status === "ONLINE" ? "bg-emerald-500" : status === "DEGRADED" ? "bg-amber-500" : "bg-zinc-400",
        )}
      />
      {status.toLowerCase()}
    </span>
  );
}
