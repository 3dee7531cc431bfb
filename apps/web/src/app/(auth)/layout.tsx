import Link from "next/link";
import type { ReactNode } from "react";
import { KoiLogo } from "@/components/koi-logo";
import { MainContent } from "@/components/layout/main-content";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col items-center bg-zinc-50 px-4 py-12 sm:justify-center dark:bg-zinc-950">
      <Link
        href="/"
        aria-label="Koi home"
        className="rounded-md text-lg focus-visible:outline-2 focus-visible:outline-ring"
      >
        <KoiLogo />
      </Link>
      <MainContent className="mt-8 w-full max-w-md">{children}</MainContent>
    </div>
  );
}
