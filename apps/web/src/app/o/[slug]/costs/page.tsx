import type { Metadata } from "next";
import { CostsView } from "@/components/costs/costs-view";
import { loadOrgPage } from "@/lib/load-org-page";

export const metadata: Metadata = { title: "Costs" };

export default async function CostsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { org } = await loadOrgPage((await params).slug);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Costs</h1>
        <p className="text-sm text-muted-foreground">
          What your GPUs cost, where they ran, and what Koi saved against running them always-on.
        </p>
      </div>
      <CostsView slug={org.slug} />
    </div>
  );
}
