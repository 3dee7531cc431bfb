import Link from "next/link";

export function SiteFooter() {
  return (
    <footer className="border-t border-zinc-200 py-8 text-sm text-muted-foreground dark:border-zinc-800">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-4 sm:px-6">
        <p>Koi — GPU planning for LLM inference.</p>
        <nav aria-label="Footer" className="flex gap-4">
          <a href="#waitlist" className="hover:text-zinc-900 dark:hover:text-zinc-100">
            Waitlist
          </a>
          <Link href="/sign-in" className="hover:text-zinc-900 dark:hover:text-zinc-100">
            Sign in
          </Link>
        </nav>
      </div>
    </footer>
  );
}
