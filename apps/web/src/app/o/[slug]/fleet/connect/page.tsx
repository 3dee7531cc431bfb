import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { roleAtLeast } from "@koi/auth/roles";
import { env } from "@koi/core/env";
import { ConnectEngine } from "@/components/connect/connect-engine";
import { serverApi } from "@/trpc/server";

export const metadata: Metadata = { title: "Connect an engine" };

export default async function ConnectPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const org = (await (await serverApi()).org.listMine()).find((o) => o.slug === slug);
  if (!org) notFound();
  return (
    <div className="space-y-6">
      <Link href={`/o/${slug}/fleet`} className="text-sm text-muted-foreground hover:underline">
        ← Fleet
      </Link>
      <div>
        <h1 className="text-2xl font-semibold">Connect an engine</h1>
        <p className="text-sm text-muted-foreground">
          The Koi agent runs beside your engine and connects out to Koi — no inbound firewall rules. It needs an API key
          with the <code>engine</code> scope.
        </p>
      </div>
      <ConnectEngine koiUrl={env().APP_URL} canCreateKeys={roleAtLeast(org.role, "ADMIN")} />
    </div>
  );
}
