import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AgentDetail } from "@/components/fleet/agent-detail";
import { serverApi } from "@/trpc/server";

export const metadata: Metadata = { title: "Agent" };

export default async function AgentPage({ params }: { params: Promise<{ slug: string; agentId: string }> }) {
  const { slug, agentId } = await params;
  // Another org's agent (or none) is a 404 page, not an error inside one.
  try {
    await (await serverApi()).fleet.agent({ agentId });
  } catch (err) {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) notFound();
    throw err;
  }
  return (
    <div className="space-y-4">
      <Link href={`/o/${slug}/fleet`} className="text-sm text-muted-foreground hover:underline">
        ← Fleet
      </Link>
      <AgentDetail agentId={agentId} />
    </div>
  );
}
