import { Alert } from "@koi/ui/card";
import { CopyButton } from "./copy-button";

/** The one time a key's secret is visible. */
export function NewSecretNotice({ secret }: { secret: string }) {
  return (
    <Alert tone="success">
      <p className="font-medium">Copy this key now — Koi will not show it again.</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          data-testid="new-api-key"
          className="break-all rounded bg-white px-2 py-1 font-mono text-xs text-zinc-900"
        >
          {secret}
        </code>
        <CopyButton text={secret} />
      </div>
    </Alert>
  );
}
