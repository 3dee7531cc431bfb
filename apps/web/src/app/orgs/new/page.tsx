import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Card } from "@koi/ui/card";
import { auth } from "@/auth";
import { KoiLogo } from "@/components/koi-logo";
import { CreateOrgForm } from "./create-org-form";
import { MainContent } from "@/components/layout/main-content";

export const metadata: Metadata = { title: "New organization" };

export default async function NewOrgPage() {
  const session = await auth();
  if (!session?.user?.id) redirect("/sign-in?callbackUrl=%2Forgs%2Fnew");
  return (
    <MainContent className="mx-auto max-w-lg space-y-6 p-8">
      <Link
        href="/dashboard"
        aria-label="Back to the dashboard"
        className="inline-block rounded-md focus-visible:outline-2 focus-visible:outline-ring"
      >
        <KoiLogo className="text-lg" />
      </Link>
      <Card className="space-y-4">
        <div>
          <h1 className="text-xl font-semibold">New organization</h1>
          <p className="text-sm text-muted-foreground">You'll be its owner.</p>
        </div>
        <CreateOrgForm />
      </Card>
    </MainContent>
  );
}
