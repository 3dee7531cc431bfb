import Link from "next/link";
import type { ReactNode } from "react";
import { KoiLogo } from "@/components/koi-logo";
import { currentPath } from "@/lib/current-path";
import { requireStaff } from "@/lib/require-staff";

export default async function AdminLayout({ children }: { children: ReactNode }) {
  await requireStaff((await currentPath()) ?? "/admin/waitlist");
  return (
    <>
      <header className="border-b border-zinc-200 dark:border-zinc-800">
        <nav aria-label="Admin" className="mx-auto flex h-14 max-w-6xl items-center gap-6 px-4 text-sm sm:px-6">
          <Link href="/" aria-label="Koi home">
            <KoiLogo />
          </Link>
          <span className="rounded bg-zinc-900 px-1.5 py-0.5 text-xs font-medium text-white dark:bg-zinc-100 dark:text-zinc-900">
            Staff
          </span>
          <Link
            href="/admin/waitlist"
            className="font-medium text-zinc-700 hover:text-zinc-900 dark:text-zinc-300 dark:hover:text-zinc-100"
          >
            Waitlist
          </Link>
          <a
            href="/admin/queues"
            className="font-medium text-zinc-700 hover:text-zinc-900 dark:text-zinc-300 dark:hover:text-zinc-100"
          >
            Queues
          </a>
          <Link
            href="/dashboard"
            className="ml-auto text-muted-foreground hover:text-zinc-900 dark:hover:text-zinc-100"
          >
            Your dashboard →
          </Link>
        </nav>
      </header>
      {children}
    </>
  );
}
