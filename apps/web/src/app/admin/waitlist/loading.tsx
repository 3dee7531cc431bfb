import { MainContent } from "@/components/layout/main-content";

export default function Loading() {
  return (
    <MainContent className="mx-auto max-w-6xl px-4 py-10 sm:px-6" aria-busy="true">
      <p className="sr-only">Loading the waitlist…</p>
      <div className="h-8 w-48 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" />
      <div className="mt-6 flex gap-3">
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="h-16 w-32 animate-pulse rounded-lg bg-zinc-100 dark:bg-zinc-900" />
        ))}
      </div>
      <div className="mt-6 space-y-2">
        {[0, 1, 2, 3, 4, 5].map((i) => (
          <div key={i} className="h-10 animate-pulse rounded bg-zinc-100 dark:bg-zinc-900" />
        ))}
      </div>
    </MainContent>
  );
}
