import Link from "next/link";
import { KoiLogo } from "@/components/koi-logo";

export function SiteHeader() {
  return (
    <header className="sticky top-0 z-10 border-b border-zinc-200/70 bg-white/80 backdrop-blur dark:border-zinc-800/70 dark:bg-zinc-950/80">
      <nav aria-label="Main" className="mx-auto flex h-14 max-w-6xl items-center gap-6 px-4 sm:px-6">
        <Link href="/" aria-label="Koi home">
          <KoiLogo />
        </Link>
        <div className="hidden gap-5 text-sm text-zinc-600 sm:flex dark:text-zinc-400">
          <a href="#engines" className="hover:text-zinc-900 dark:hover:text-zinc-100">
            Engines
          </a>
          <a href="#how-it-works" className="hover:text-zinc-900 dark:hover:text-zinc-100">
            How it works
          </a>
          <a href="#savings" className="hover:text-zinc-900 dark:hover:text-zinc-100">
            Savings
          </a>
        </div>
        <div className="ml-auto flex items-center gap-2">
          <Link
            href="/sign-in"
            className="rounded-md px-3 py-1.5 text-sm font-medium text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
          >
            Sign in
          </Link>
          <a
            href="#waitlist"
            className="rounded-md bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-800"
          >
            Join the waitlist
          </a>
        </div>
      </nav>
    </header>
  );
}
