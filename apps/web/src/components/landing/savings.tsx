import { PiggyBank } from "lucide-react";

const bars = [
  { label: "On-demand, always on", share: 100, tone: "bg-zinc-400 dark:bg-zinc-600" },
  { label: "Spot with serverless fallback", share: 35, tone: "bg-brand-700" },
];

export function Savings() {
  return (
    <section
      id="savings"
      aria-labelledby="savings-title"
      className="mx-auto grid max-w-6xl gap-10 px-4 pb-20 sm:px-6 lg:grid-cols-2"
    >
      <div>
        <h2 id="savings-title" className="flex items-center gap-2 text-3xl font-bold tracking-tight">
          <PiggyBank aria-hidden className="size-7 text-brand-600" /> What it saves
        </h2>
        <p className="mt-4 text-zinc-600 dark:text-zinc-300">
          Spot GPUs are commonly{" "}
          <strong className="text-zinc-900 dark:text-zinc-100">
            50–80% cheaper than on-demand, depending on instance
          </strong>{" "}
          type, region and provider. The catch is that they can disappear. Koi is there to take the discount without
          taking the risk: serverless capacity covers the gaps, and forecasts add GPUs before a deadline slips.
        </p>
        <p className="mt-4 text-sm text-muted-foreground">
          Your savings depend on your traffic, models and clouds. Koi shows them against an always-on on-demand
          baseline, so you can check the number rather than take ours.
        </p>
      </div>
      <figure className="self-center rounded-xl border border-zinc-200 p-6 dark:border-zinc-800">
        <figcaption className="text-sm font-medium">Cost of the same workload (illustrative)</figcaption>
        <div className="mt-5 space-y-4">
          {bars.map((bar) => (
            <div key={bar.label}>
              <div className="flex justify-between text-sm">
                <span>{bar.label}</span>
                <span className="tabular-nums text-muted-foreground">{bar.share}%</span>
              </div>
              <div className="mt-1 h-3 rounded-full bg-zinc-100 dark:bg-zinc-800">
                <div className={`h-3 rounded-full ${bar.tone}`} style={{ width: `${bar.share}%` }} />
              </div>
            </div>
          ))}
        </div>
        <p className="mt-4 text-xs text-muted-foreground">One example within the 50–80% range; not a quote.</p>
      </figure>
    </section>
  );
}
