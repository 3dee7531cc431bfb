import type { Metadata } from "next";
import Link from "next/link";
import { roleAtLeast } from "@koi/auth/roles";
import { Alert } from "@koi/ui/card";
import { NewWorkloadForm } from "@/components/workloads/new-workload-form";
import { loadOrgPage } from "@/lib/load-org-page";

export const metadata: Metadata = { title: "New workload" };

export default async function NewWorkloadPage({ params }: { params: Promise<{ slug: string }> }) {
  const { org } = await loadOrgPage((await params).slug);
  return (
    <div className="space-y-6">
      <div>
        <Link href={`/o/${org.slug}/workloads`} className="text-sm text-muted-foreground hover:underline">
          ← Workloads
        </Link>
        <h1 className="mt-1 text-2xl font-semibold">New workload</h1>
        <p className="text-sm text-muted-foreground">
          State the model and the SLO; Koi picks the cheapest GPUs that meet it.
        </p>
      </div>
      {roleAtLeast(org.role, "MEMBER") ? (
        <NewWorkloadForm slug={org.slug} />
      ) : (
        <Alert tone="info">Viewers can look but not submit. Ask an admin for the member role.</Alert>
      )}
    </div>
  );
}
