import type { Metadata } from "next";
import Link from "next/link";
import { FleetOverview } from "@/components/fleet/fleet-overview";

export const metadata: Metadata = { title: "Fleet" };

export default async function FleetPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Fleet</h1>
          <p className="text-sm text-muted-foreground">
            Clusters, the agents that drive their engines, and the GPUs they report.
          </p>
        </div>
        <Link
          href={`/o/${slug}/fleet/connect`}
          className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-900"
        >
          Connect an engine
        </Link>
      </div>
      <FleetOverview slug={slug} />
    </div>
  );
}
