import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { roleAtLeast } from "@koi/auth/roles";
import { WorkloadDetail } from "@/components/workloads/workload-detail";
import { loadOrgPage } from "@/lib/load-org-page";
import { serverApi } from "@/trpc/server";

export const metadata: Metadata = { title: "Workload" };

export default async function WorkloadPage({ params }: { params: Promise<{ slug: string; workloadId: string }> }) {
  const { slug, workloadId } = await params;
  const { org, isActive } = await loadOrgPage(slug);
  // Another org's workload (or none) is a 404 page, not an error inside one. (While the layout
  // switches the session to this org, the session still names the previous one: skip the check.)
  if (isActive) {
    try {
      await (await serverApi()).workloads.get({ workloadId });
    } catch (err) {
      if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) notFound();
      throw err;
    }
  }
  return (
    <div className="space-y-4">
      <Link href={`/o/${slug}/workloads`} className="text-sm text-muted-foreground hover:underline">
        ← Workloads
      </Link>
      <WorkloadDetail workloadId={workloadId} canCancel={roleAtLeast(org.role, "MEMBER")} />
    </div>
  );
}
