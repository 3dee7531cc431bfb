"use client";

import { Alert } from "@koi/ui/card";
import { Button } from "@koi/ui/button";

export default function AuthError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <div className="space-y-4">
      <Alert tone="error">Something went wrong on our side. Try again in a moment.</Alert>
      <Button variant="secondary" onClick={() => retry()}>
        Try again
      </Button>
    </div>
  );
}
