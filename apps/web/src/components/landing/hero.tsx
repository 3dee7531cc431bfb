import { ArrowRight, Check } from "lucide-react";
import { PlanPreview } from "./plan-preview";

export function Hero() {
  return (
    <section className="mx-auto grid max-w-6xl items-center gap-12 px-4 pt-16 pb-20 sm:px-6 lg:grid-cols-[1.1fr_1fr] lg:pt-24">
      <div>
        <p className="text-sm font-medium text-link">The control plane for LLM-inference GPUs</p>
        <h1 className="mt-3 text-5xl font-bold tracking-tight sm:text-6xl">Koi</h1>
        <p className="mt-5 max-w-xl text-lg text-zinc-600 dark:text-zinc-300">
          Tell Koi which model to serve and the SLO it has to meet. Koi finds the cheapest GPUs that will meet it, sees
          a missed deadline coming early enough to fix it, and sends each workload to the engine built for it:{" "}
          <strong className="text-zinc-900 dark:text-zinc-100">Tuna</strong> for low-cost online serving,{" "}
          <strong className="text-zinc-900 dark:text-zinc-100">Orca</strong> for high-throughput batch.
        </p>
        <ul className="mt-6 space-y-2 text-sm text-zinc-600 dark:text-zinc-300">
          {[
            "Spot, serverless, reserved, on-demand and your own racks, compared on every plan",
            "Forecasts with a confidence band, and scaling before the deadline is at risk",
            "Engines run in your own cloud accounts or racks; your models and prompts stay there",
          ].map((line) => (
            <li key={line} className="flex gap-2">
              <Check aria-hidden className="mt-0.5 size-4 shrink-0 text-emerald-600" />
              {line}
            </li>
          ))}
        </ul>
        <div className="mt-8 flex flex-wrap gap-3">
          <a
            href="#waitlist"
            className="inline-flex h-11 items-center gap-2 rounded-md bg-brand-700 px-5 text-sm font-medium text-white hover:bg-brand-800"
          >
            Join the waitlist <ArrowRight aria-hidden className="size-4" />
          </a>
          <a
            href="#how-it-works"
            className="inline-flex h-11 items-center rounded-md border border-zinc-300 px-5 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900"
          >
            See how it works
          </a>
        </div>
      </div>
      <PlanPreview />
    </section>
  );
}
