import { ArrowRight, Plug, Users } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { roleAtLeast } from "@koi/auth/roles";
import { Card } from "@koi/ui/card";
import { OverviewCards } from "@/components/overview/overview-cards";
import { loadOrgPage } from "@/lib/load-org-page";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const { org } = await loadOrgPage((await params).slug);
  const canInvite = roleAtLeast(org.role, "ADMIN");

  const gettingStarted = (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Welcome to {org.name}</h1>
        <p className="mt-1 text-muted-foreground">Nothing runs here yet. Two things get Koi going:</p>
      </div>
      <ol className="grid gap-4 md:grid-cols-2">
        <li>
          <Card className="h-full space-y-3">
            <div className="flex items-center gap-2">
              <Plug aria-hidden className="size-5 text-brand-600" />
              <h2 className="font-medium">1. Connect an engine</h2>
            </div>
            <p className="text-sm text-muted-foreground">
              Koi's agent runs next to your Orca or Tuna engines and reports GPUs, prices and progress. Once one is
              connected, this page shows GPUs in use, spend today and workloads at risk.
            </p>
            <Link
              href={`/o/${org.slug}/fleet/connect`}
              className="inline-flex items-center gap-1 text-sm font-medium text-link hover:underline focus-visible:outline-2 focus-visible:outline-ring"
            >
              Connect an engine
              <ArrowRight aria-hidden className="size-4" />
            </Link>
          </Card>
        </li>
        <li>
          <Card className="h-full space-y-3">
            <div className="flex items-center gap-2">
              <Users aria-hidden className="size-5 text-brand-600" />
              <h2 className="font-medium">2. Invite your teammates</h2>
            </div>
            <p className="text-sm text-muted-foreground">
              {canInvite
                ? "Add the people who submit workloads or watch costs. Viewers can look; members can run workloads; admins manage the team."
                : "Only admins and owners can invite people. Ask one of them, or see who's here."}
            </p>
            <Link
              href={`/o/${org.slug}/settings/members`}
              className="inline-flex items-center gap-1 text-sm font-medium text-link hover:underline focus-visible:outline-2 focus-visible:outline-ring"
            >
              {canInvite ? "Invite teammates" : "See members"}
              <ArrowRight aria-hidden className="size-4" />
            </Link>
          </Card>
        </li>
      </ol>
    </div>
  );

  return <OverviewCards slug={org.slug} empty={gettingStarted} />;
}
