"use client";

import { Alert } from "@koi/ui/card";
import { Button } from "@koi/ui/button";

export default function OrgError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <div className="mx-auto max-w-lg space-y-4">
      <Alert tone="error">
        This page failed to load. It's on our side; try again in a moment.
        {digest ? <span className="mt-1 block text-xs opacity-70">Reference: {digest}</span> : null}
      </Alert>
      <Button variant="secondary" onClick={() => retry()}>
        Try again
      </Button>
    </div>
  );
}
