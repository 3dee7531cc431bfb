import { cn } from "@koi/ui/cn";

/** Says whether the page follows changes as they happen (its stream is up) or only by polling. */
export function LiveIndicator({ streaming, pollSeconds }: { streaming: boolean; pollSeconds: number }) {
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-muted-foreground" data-testid="live-indicator">
      <span aria-hidden className={cn("size-2 rounded-full", streaming ? "bg-emerald-500" : "bg-zinc-400")} />
      {streaming ? "Live" : `Updating every ${pollSeconds} s`}
    </span>
  );
}
