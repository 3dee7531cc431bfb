import { Building2 } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { EmptyState } from "@koi/ui/card";
import { signOutAction } from "@/actions/sign-out";
import { auth } from "@/auth";
import { KoiLogo } from "@/components/koi-logo";
import { serverApi } from "@/trpc/server";
import { MainContent } from "@/components/layout/main-content";

export const metadata: Metadata = { title: "Dashboard" };

/** The way in after signing in: the active org's overview, or — with no org at all — making one. */
export default async function DashboardPage() {
  const session = await auth();
  if (!session?.user?.id) redirect("/sign-in?callbackUrl=%2Fdashboard");
  const orgs = await (await serverApi()).org.listMine();
  const target = orgs.find((o) => o.isActive) ?? orgs[0];
  if (target) redirect(`/o/${target.slug}`);

  return (
    <MainContent className="mx-auto max-w-lg space-y-6 p-8">
      <KoiLogo className="text-lg" />
      <EmptyState
        title="You're not in any organization"
        action={
          <div className="flex flex-col items-center gap-3">
            <Link
              href="/orgs/new"
              className="inline-flex h-10 items-center gap-2 rounded-md bg-brand-700 px-4 text-sm font-medium text-white hover:bg-brand-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
            >
              <Building2 aria-hidden className="size-4" />
              Create an organization
            </Link>
            <form action={signOutAction}>
              <input type="hidden" name="redirectTo" value="/sign-in" />
              <button
                type="submit"
                className="text-sm text-zinc-600 underline-offset-2 hover:underline dark:text-zinc-400"
              >
                Sign out
              </button>
            </form>
          </div>
        }
      >
        Create one for your team, or ask a teammate to invite you to theirs.
      </EmptyState>
    </MainContent>
  );
}
