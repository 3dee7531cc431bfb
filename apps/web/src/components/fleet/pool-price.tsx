import { formatUsd } from "@/lib/format";

export type TPoolPrice = { value: number; source: "pool" | "override" | "catalog" | "none" } | null;

const NOTES = {
  override: { label: "your rate", tip: "Your organisation's price override for this GPU and market." },
  catalog: {
    label: "list price",
    tip: "The engine reported no price, so Koi plans and bills with the cloud's public list price for this GPU and market. Set your own rate with a price override.",
  },
} as const;

/** A pool's $/GPU-h as the planner uses it, saying where it came from when the engine did not report it. */
export function PoolPrice({ price }: { price: TPoolPrice }) {
  if (price === null) return <span className="text-muted-foreground">unknown GPU type</span>;
  if (price.source === "none")
    return (
      <span className="text-muted-foreground" title="On-prem GPUs without a rate cost nothing per hour in plans.">
        already paid for
      </span>
    );
  const note = price.source === "override" || price.source === "catalog" ? NOTES[price.source] : null;
  return (
    <span>
      {formatUsd(price.value)}/GPU-h
      {note ? (
        <>
          {" "}
          <span title={note.tip} className="cursor-help text-muted-foreground underline decoration-dotted">
            {note.label}
          </span>
        </>
      ) : null}
    </span>
  );
}
