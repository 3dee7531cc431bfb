"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@koi/ui/button";
import { Alert, Card } from "@koi/ui/card";
import { cn } from "@koi/ui/cn";
import { CopyButton } from "@/components/api-keys/copy-button";
import { errorMessage } from "@/lib/trpc-errors";
import { useTRPC } from "@/trpc/react";
import { agentCommands, type TEngineChoice } from "./agent-commands";
import { useFocusOnMount } from "@/lib/use-focus-on-mount";

const engines: { id: TEngineChoice; label: string; blurb: string }[] = [
  { id: "sim", label: "Simulator", blurb: "Try Koi with simulated Orca and Tuna engines on this machine." },
  { id: "orca", label: "Orca", blurb: "Batch inference: Koi submits, scales and swaps jobs through Orca's REST API." },
  {
    id: "tuna",
    label: "Tuna",
    blurb: "Online serving: Koi reads the router's spot/serverless split and sets its routing.",
  },
];

/** Creates an engine-scoped key and shows the exact commands to run the agent with it. */
export function ConnectEngine({ koiUrl, canCreateKeys }: { koiUrl: string; canCreateKeys: boolean }) {
  const trpc = useTRPC();
  const [engine, setEngine] = useState<TEngineChoice>("sim");
  const create = useMutation(trpc.apiKeys.create.mutationOptions());
  const secret = create.data?.secret ?? null;
  const steps = agentCommands({ engine, koiUrl, apiKey: secret ?? "<your engine API key>" });

  return (
    <div className="space-y-6">
      <div role="radiogroup" aria-label="Engine" className="grid gap-3 sm:grid-cols-3">
        {engines.map((e) => (
          <button
            key={e.id}
            type="button"
            role="radio"
            aria-checked={engine === e.id}
            onClick={() => setEngine(e.id)}
            className={cn(
              "rounded-lg border p-4 text-left focus-visible:outline-2 focus-visible:outline-ring",
              engine === e.id ? "border-brand-500 ring-2 ring-brand-500/30" : "border-zinc-200 dark:border-zinc-800",
            )}
          >
            <span className="font-medium">{e.label}</span>
            <span className="mt-1 block text-sm text-muted-foreground">{e.blurb}</span>
          </button>
        ))}
      </div>

      <Card className="space-y-3">
        <h2 className="font-medium">1. Create an engine key</h2>
        {secret ? (
          <CreatedKey secret={secret} />
        ) : canCreateKeys ? (
          <Button
            pending={create.isPending}
            onClick={() => create.mutate({ name: `${engine} agent`, scopes: ["engine"], expiresInDays: null })}
          >
            {create.isPending ? "Creating…" : "Create an engine key"}
          </Button>
        ) : (
          <p className="text-sm text-muted-foreground">
            Ask an admin of this organization for an API key with the engine scope.
          </p>
        )}
        {create.isError ? <Alert tone="error">{errorMessage(create.error)}</Alert> : null}
      </Card>

      {steps.map((step, i) => (
        <Card key={step.title} className="space-y-2">
          <h2 className="font-medium">
            {i + 2}. {step.title}
          </h2>
          {step.note ? <p className="text-sm text-muted-foreground">{step.note}</p> : null}
          <div className="flex items-start gap-2">
            <pre className="min-w-0 flex-1 rounded-md bg-zinc-950 p-3 font-mono text-xs break-all whitespace-pre-wrap text-zinc-100">
              {step.command}
            </pre>
            <CopyButton text={step.command} />
          </div>
        </Card>
      ))}
    </div>
  );
}

/** Replaces the "Create" button, and takes its focus, once the key exists. */
function CreatedKey({ secret }: { secret: string }) {
  const ref = useFocusOnMount<HTMLDivElement>();
  return (
    <Alert ref={ref} tabIndex={-1} tone="success">
      <p className="font-medium">
        Key created — it is filled into the commands below. Copy it now; Koi will not show it again.
      </p>
      <code data-testid="new-api-key" className="mt-2 block font-mono text-xs break-all">
        {secret}
      </code>
    </Alert>
  );
}
