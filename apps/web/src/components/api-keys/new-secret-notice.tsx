"use client";

import { Alert } from "@koi/ui/card";
import { CopyButton } from "./copy-button";
import { useFocusOnMount } from "@/lib/use-focus-on-mount";

/** The one time a key's secret is visible. */
export function NewSecretNotice({ secret }: { secret: string }) {
  const ref = useFocusOnMount<HTMLDivElement>();
  return (
    <Alert ref={ref} tabIndex={-1} tone="success">
      <p className="font-medium">Copy this key now — Koi will not show it again.</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          data-testid="new-api-key"
          className="break-all rounded bg-white px-2 py-1 font-mono text-xs text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100"
        >
          {secret}
        </code>
        <CopyButton text={secret} />
      </div>
    </Alert>
  );
}
