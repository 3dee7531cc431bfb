import Link from "next/link";
import { KoiLogo } from "@/components/koi-logo";
import { MainContent } from "@/components/layout/main-content";

export default function NotFound() {
  return (
    <MainContent className="mx-auto flex min-h-[60vh] max-w-md flex-col items-center justify-center gap-4 p-8 text-center">
      <KoiLogo className="text-lg" />
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="text-muted-foreground">This page doesn't exist, or you don't have access to it.</p>
      <Link
        href="/dashboard"
        className="font-medium text-link hover:underline focus-visible:outline-2 focus-visible:outline-ring"
      >
        Go to your dashboard
      </Link>
    </MainContent>
  );
}
