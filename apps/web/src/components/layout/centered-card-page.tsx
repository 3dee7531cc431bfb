import Link from "next/link";
import type { ReactNode } from "react";
import { KoiLogo } from "@/components/koi-logo";
import { MainContent } from "./main-content";

/** A single message on its own page: confirmations, invalid links, small forms. */
export function CenteredCardPage({ icon, title, children }: { icon?: ReactNode; title: string; children: ReactNode }) {
  return (
    <MainContent className="flex min-h-screen flex-col items-center justify-center px-4 py-16">
      <Link href="/" aria-label="Koi home" className="mb-8">
        <KoiLogo />
      </Link>
      <div className="w-full max-w-md rounded-xl border border-zinc-200 bg-white p-8 text-center shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        {icon ? <div className="mb-4 flex justify-center">{icon}</div> : null}
        <h1 className="text-2xl font-bold tracking-tight">{title}</h1>
        <div className="mt-3 space-y-3 text-sm text-zinc-600 dark:text-zinc-300">{children}</div>
      </div>
    </MainContent>
  );
}
