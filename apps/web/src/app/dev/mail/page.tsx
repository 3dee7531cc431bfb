import { Inbox } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { listMailMessages } from "@koi/services/dev-mail/find-mail-messages";
import { EmptyState } from "@koi/ui/card";
import { RelativeTime } from "@/components/relative-time";
import { assertDevMailEnabled } from "@/lib/dev-mail";
import { MainContent } from "@/components/layout/main-content";

export const metadata: Metadata = { title: "Dev mail", robots: { index: false } };

const SHOWN = 200;

export default async function DevMailPage({ searchParams }: { searchParams: Promise<{ to?: string | string[] }> }) {
  await assertDevMailEnabled();
  const { to } = await searchParams;
  const recipient = typeof to === "string" && to.trim() ? to.trim().toLowerCase() : undefined;
  const messages = await listMailMessages({ to: recipient, limit: SHOWN });
  const now = new Date();

  return (
    <MainContent className="mx-auto max-w-4xl space-y-6 px-4 py-10 sm:px-6">
      <div>
        <p className="text-sm text-muted-foreground">Development only</p>
        <h1 className="flex items-center gap-2 text-2xl font-bold tracking-tight">
          <Inbox aria-hidden className="size-6" /> Mail
        </h1>
        <p className="mt-1 text-sm text-muted-foreground">
          Every email Koi stored, newest first (the latest {SHOWN}). Open one to follow its links.
        </p>
      </div>
      <form method="get" className="flex gap-2" role="search">
        <label htmlFor="dev-mail-to" className="sr-only">
          Recipient
        </label>
        <input
          id="dev-mail-to"
          name="to"
          type="search"
          defaultValue={recipient}
          placeholder="Filter by recipient"
          className="w-full max-w-xs rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
        <button type="submit" className="rounded-md border border-zinc-300 px-3 text-sm dark:border-zinc-700">
          Filter
        </button>
      </form>
      {messages.length === 0 ? (
        <EmptyState title={recipient ? `No mail to ${recipient}` : "No mail yet"}>
          Join the waitlist on the homepage, and the worker stores the confirmation email here.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
          {messages.map((m) => (
            <li key={m.id}>
              <Link
                href={`/dev/mail/${m.id}`}
                className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 px-4 py-3 hover:bg-zinc-50 dark:hover:bg-zinc-900"
              >
                <span className="min-w-0">
                  <span className="block truncate font-medium">{m.subject}</span>
                  <span className="block truncate text-sm text-muted-foreground">to {m.to}</span>
                </span>
                <span className="text-xs text-muted-foreground">
                  <RelativeTime date={m.createdAt} now={now} /> · {m.transport}
                  {m.sentAt ? "" : " · not sent"}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </MainContent>
  );
}
