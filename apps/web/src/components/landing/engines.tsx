import { Fish, Layers, Route } from "lucide-react";
import type { ReactNode } from "react";

function EngineCard({
  icon,
  name,
  tagline,
  children,
}: {
  icon: ReactNode;
  name: string;
  tagline: string;
  children: ReactNode;
}) {
  return (
    <div className="rounded-xl border border-zinc-200 bg-white p-6 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex items-center gap-3">
        <span className="flex size-10 items-center justify-center rounded-lg bg-brand-50 text-link dark:bg-brand-500/15">
          {icon}
        </span>
        <div>
          <h3 className="font-semibold">{name}</h3>
          <p className="text-sm text-muted-foreground">{tagline}</p>
        </div>
      </div>
      <div className="mt-4 space-y-2 text-sm text-zinc-600 dark:text-zinc-300">{children}</div>
    </div>
  );
}

export function Engines() {
  return (
    <section
      id="engines"
      aria-labelledby="engines-title"
      className="border-y border-zinc-200 bg-zinc-50 py-20 dark:border-zinc-800 dark:bg-zinc-900/40"
    >
      <div className="mx-auto max-w-6xl px-4 sm:px-6">
        <h2 id="engines-title" className="text-3xl font-bold tracking-tight">
          Two engines, one planner
        </h2>
        <p className="mt-3 max-w-2xl text-zinc-600 dark:text-zinc-300">
          Tuna and Orca are open-source engines you run in your own accounts or on your own clusters. Koi is the part
          that decides: which engine gets a workload, on which GPUs, in which market, and when to change that.
        </p>
        <div className="mt-10 grid gap-6 md:grid-cols-3">
          <EngineCard
            icon={<Fish aria-hidden className="size-5" />}
            name="Tuna"
            tagline="Online serving, priced like spot"
          >
            <p>
              Steady traffic runs on spot GPUs. Serverless GPUs answer while spot capacity is still booting and step in
              when a spot instance is reclaimed, so users keep getting responses.
            </p>
            <p>Tuna reports requests, GPU-seconds and how the load split between spot and serverless.</p>
          </EngineCard>
          <EngineCard icon={<Layers aria-hidden className="size-5" />} name="Orca" tagline="Batch at full throughput">
            <p>
              Continuous batching, separate prefill and decode, KV-cache reuse: built for jobs like “10,000 prompts on a
              70B model, done within two hours”.
            </p>
            <p>Orca reports progress, tokens per second, utilisation and every lifecycle event with its reason.</p>
          </EngineCard>
          <EngineCard icon={<Route aria-hidden className="size-5" />} name="Koi" tagline="The planner between them">
            <p>
              Latency-bound traffic goes to Tuna, throughput-bound jobs go to Orca. For each, Koi chooses GPU type,
              count, tensor parallelism and market, then keeps checking the choice against live progress.
            </p>
            <p>Your engines keep running if Koi is unreachable.</p>
          </EngineCard>
        </div>
      </div>
    </section>
  );
}
