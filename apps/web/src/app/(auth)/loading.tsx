import { Card } from "@koi/ui/card";

export default function AuthLoading() {
  return (
    <Card aria-busy="true" aria-label="Loading" className="space-y-4">
      <div className="h-6 w-40 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" />
      <div className="h-10 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
      <div className="h-10 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
    </Card>
  );
}
