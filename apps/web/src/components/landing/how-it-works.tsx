import { ChartLine, Coins, Cpu, Target } from "lucide-react";

const steps = [
  {
    icon: Target,
    title: "State the goal",
    text: "The model, and what “good” means: a deadline for a batch job, or time-to-first-token and per-token latency for online traffic.",
  },
  {
    icon: Cpu,
    title: "Koi plans",
    text: "It looks at your quota in every cloud and the GPUs you own, prices on-demand, spot, reserved and serverless options, and picks the cheapest mix that meets the goal. The runners-up are shown with their cost and the reason they lost.",
  },
  {
    icon: ChartLine,
    title: "Koi forecasts and adjusts",
    text: "From live progress it predicts the finish time with a confidence band. When a miss becomes likely it adds GPUs before the deadline is at risk; when a job is comfortably ahead it gives GPUs back. Low-priority work with slack can pause for an urgent job.",
  },
  {
    icon: Coins,
    title: "You see the bill",
    text: "Spend as it happens, the spot and serverless split, and savings measured against always-on on-demand, per workload and per component.",
  },
];

export function HowItWorks() {
  return (
    <section id="how-it-works" aria-labelledby="how-title" className="mx-auto max-w-6xl px-4 py-20 sm:px-6">
      <h2 id="how-title" className="text-3xl font-bold tracking-tight">
        How it works
      </h2>
      <ol className="mt-10 grid gap-8 sm:grid-cols-2 lg:grid-cols-4">
        {steps.map((step, i) => (
          <li key={step.title}>
            <div className="flex items-center gap-3">
              <span className="flex size-8 items-center justify-center rounded-full bg-zinc-900 text-sm font-semibold text-white dark:bg-zinc-100 dark:text-zinc-900">
                {i + 1}
              </span>
              <step.icon aria-hidden className="size-5 text-brand-600" />
            </div>
            <h3 className="mt-4 font-semibold">{step.title}</h3>
            <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-300">{step.text}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
