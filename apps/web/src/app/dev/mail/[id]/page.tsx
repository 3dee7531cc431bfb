import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { findMailMessage } from "@koi/services/dev-mail/find-mail-messages";
import { LinkifiedText } from "@/components/linkified-text";
import { RelativeTime } from "@/components/relative-time";
import { assertDevMailEnabled } from "@/lib/dev-mail";
import { MainContent } from "@/components/layout/main-content";

export const metadata: Metadata = { title: "Dev mail", robots: { index: false } };

export default async function DevMailMessagePage({ params }: { params: Promise<{ id: string }> }) {
  await assertDevMailEnabled();
  const { id } = await params;
  const message = await findMailMessage(id);
  if (!message) notFound();

  return (
    <MainContent className="mx-auto max-w-3xl space-y-6 px-4 py-10 sm:px-6">
      <Link href="/dev/mail" className="text-sm font-medium text-link hover:underline">
        ← All mail
      </Link>
      <article className="rounded-lg border border-zinc-200 p-6 dark:border-zinc-800">
        <h1 className="text-xl font-bold tracking-tight">{message.subject}</h1>
        <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-muted-foreground">To</dt>
          <dd>{message.to}</dd>
          <dt className="text-muted-foreground">Stored</dt>
          <dd>
            <RelativeTime date={message.createdAt} />
          </dd>
          <dt className="text-muted-foreground">Transport</dt>
          <dd>
            {message.transport}
            {message.sentAt ? "" : " (not sent)"}
          </dd>
        </dl>
        <hr className="my-5 border-zinc-200 dark:border-zinc-800" />
        <LinkifiedText text={message.text} />
      </article>
    </MainContent>
  );
}
