import type { Metadata } from "next";
import { cookies } from "next/headers";
import { Button } from "@koi/ui/button";
import { MainContent } from "@/components/layout/main-content";
import { allowQueueRetries, endQueueRetries } from "@/actions/queue-retries";
import { RETRY_COOKIE, RETRY_WINDOW_SECONDS } from "@/lib/queue-console/queue-console-request";
import { requireStaff } from "@/lib/require-staff";

export const metadata: Metadata = { title: "Queue retries · Admin", robots: { index: false } };

export default async function QueueRetriesPage() {
  const { userId } = await requireStaff("/admin/queue-retries");
  const allowed = (await cookies()).get(RETRY_COOKIE)?.value === userId;
  return (
    <MainContent className="mx-auto max-w-2xl space-y-4 px-4 py-10 sm:px-6">
      <h1 className="text-2xl font-bold tracking-tight">Retry failed jobs</h1>
      <p>
        The queue console is read-only. Retrying runs a failed job again with the same data: an email may be sent again
        and a workload step re-run (every job is written to be safe to run twice, but it still acts). Nothing else —
        cleaning, removing, pausing — is possible from the console.
      </p>
      {allowed ? (
        <form action={endQueueRetries} className="flex items-center gap-3">
          <p className="text-sm">Retries are allowed for you now.</p>
          <Button type="submit" variant="secondary">
            Back to read-only
          </Button>
        </form>
      ) : (
        <form action={allowQueueRetries} className="flex items-center gap-3">
          <Button type="submit">Allow retries for {RETRY_WINDOW_SECONDS / 60} minutes</Button>
          <a href="/admin/queues" className="text-sm underline">
            Keep it read-only
          </a>
        </form>
      )}
    </MainContent>
  );
}
