import { Check, TrendingUp } from "lucide-react";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@koi/ui/table";

// An illustration of a plan, not live data: what a user sees after stating an SLO.
const options = [
  { gpus: "4 × H100 · spot + serverless fallback", cost: "$9.80/h", finish: "1h 48m", chosen: true },
  { gpus: "8 × A100 80GB · spot", cost: "$11.20/h", finish: "1h 55m", chosen: false },
  { gpus: "4 × H100 · on-demand", cost: "$27.50/h", finish: "1h 46m", chosen: false },
];

export function PlanPreview() {
  return (
    <figure
      aria-label="Example of a plan Koi proposes"
      className="rounded-xl border border-zinc-200 bg-white p-5 shadow-lg shadow-zinc-900/5 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="flex items-baseline justify-between gap-4">
        <div>
          <p className="text-xs tracking-wide text-muted-foreground uppercase">Batch workload</p>
          <p className="font-medium">Llama-70B · 10,000 prompts · due in 2 h</p>
        </div>
        <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800 dark:bg-emerald-900/40 dark:text-emerald-300">
          on track
        </span>
      </div>

      <svg
        viewBox="0 0 300 90"
        className="mt-4 w-full"
        role="img"
        aria-label="Forecast: progress reaches 100% at 1h 48m, before the 2 h deadline"
      >
        <line x1="270" y1="5" x2="270" y2="85" className="stroke-red-500" strokeDasharray="4 3" />
        <text x="266" y="83" textAnchor="end" className="fill-red-700 text-[9px] dark:fill-red-400">
          deadline
        </text>
        <path d="M10 85 L120 55 L250 12 L250 2 L120 48 Z" className="fill-brand-500/15" />
        <path d="M10 85 L120 52 L244 6" className="fill-none stroke-brand-600" strokeWidth="2" />
        <path d="M10 85 L120 52" className="fill-none stroke-zinc-900 dark:stroke-zinc-100" strokeWidth="2.5" />
        <circle cx="244" cy="6" r="3" className="fill-brand-600" />
      </svg>
      <p className="mt-1 flex items-center gap-1.5 text-xs text-muted-foreground">
        <TrendingUp aria-hidden className="size-3.5" /> Predicted finish 1h 48m (P10–P90: 1h 41m–1h 56m)
      </p>

      <Table label="Cheapest configurations that meet the deadline" className="mt-4">
        <TableHeader className="normal-case tracking-normal">
          <TableRow>
            <TableHead className="font-normal">GPUs</TableHead>
            <TableHead numeric className="font-normal">
              Cost
            </TableHead>
            <TableHead numeric className="font-normal">
              Finish
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody className="divide-y-0">
          {options.map((o) => (
            <TableRow key={o.gpus} className={o.chosen ? "font-medium" : "text-muted-foreground"}>
              <TableCell>
                <span className="inline-flex items-center gap-1.5">
                  {o.chosen ? (
                    <Check aria-label="chosen" className="size-4 text-emerald-700 dark:text-emerald-400" />
                  ) : (
                    <span className="inline-block size-4" />
                  )}
                  {o.gpus}
                </span>
              </TableCell>
              <TableCell numeric>{o.cost}</TableCell>
              <TableCell numeric>{o.finish}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <figcaption className="mt-3 text-xs text-muted-foreground">
        Illustrative prices. Koi lists the runners-up and why it did not pick them.
      </figcaption>
    </figure>
  );
}
