import { Info } from "lucide-react";

/** An info icon that shows how a figure is computed, on hover and on keyboard focus. */
export function FormulaHint({ formula }: { formula: string }) {
  return (
    <span
      tabIndex={0}
      role="note"
      aria-label={formula}
      title={formula}
      className="cursor-help rounded focus-visible:outline-2 focus-visible:outline-ring"
    >
      <Info aria-hidden className="size-3.5" />
    </span>
  );
}
