import { Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { roleAtLeast } from "@koi/auth/roles";
import { WorkloadsList } from "@/components/workloads/workloads-list";
import { loadOrgPage } from "@/lib/load-org-page";

export const metadata: Metadata = { title: "Workloads" };

export default async function WorkloadsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { org } = await loadOrgPage((await params).slug);
  const canSubmit = roleAtLeast(org.role, "MEMBER");
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Workloads</h1>
          <p className="text-sm text-muted-foreground">Batch jobs and online services Koi plans, places and watches.</p>
        </div>
        {canSubmit ? (
          <Link
            href={`/o/${org.slug}/workloads/new`}
            className="inline-flex items-center gap-1.5 rounded-md bg-brand-700 px-3 py-2 text-sm font-medium text-white hover:bg-brand-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
          >
            <Plus aria-hidden className="size-4" />
            New workload
          </Link>
        ) : null}
      </div>
      <WorkloadsList slug={org.slug} canSubmit={canSubmit} />
    </div>
  );
}
