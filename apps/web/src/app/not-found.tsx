import Link from "next/link";
import { KoiLogo } from "@/components/koi-logo";

export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-[60vh] max-w-md flex-col items-center justify-center gap-4 p-8 text-center">
      <KoiLogo className="text-lg" />
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="text-zinc-600 dark:text-zinc-400">This page doesn't exist, or you don't have access to it.</p>
      <Link
        href="/dashboard"
        className="font-medium text-brand-700 hover:underline focus-visible:outline-2 focus-visible:outline-brand-500 dark:text-brand-500"
      >
        Go to your dashboard
      </Link>
    </main>
  );
}
