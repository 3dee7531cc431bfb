"use client";

import { Alert } from "@koi/ui/card";
import { Button } from "@koi/ui/button";
import { MainContent } from "@/components/layout/main-content";

export default function AdminWaitlistError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <MainContent className="mx-auto max-w-6xl space-y-4 px-4 py-10 sm:px-6">
      <h1 className="text-2xl font-bold tracking-tight">Waitlist</h1>
      <Alert tone="error">
        The waitlist could not be loaded.{" "}
        {error.digest ? <span className="text-xs opacity-75">Reference: {error.digest}</span> : null}
      </Alert>
      <Button variant="secondary" onClick={reset}>
        Try again
      </Button>
    </MainContent>
  );
}
