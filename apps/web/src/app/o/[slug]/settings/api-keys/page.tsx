import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { roleAtLeast } from "@koi/auth/roles";
import { Card } from "@koi/ui/card";
import { ApiKeysTable } from "@/components/api-keys/api-keys-table";
import { CreateApiKeyForm } from "@/components/api-keys/create-api-key-form";
import { serverApi } from "@/trpc/server";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const org = (await (await serverApi()).org.listMine()).find((o) => o.slug === slug);
  if (!org) notFound();
  const canManage = roleAtLeast(org.role, "ADMIN");
  return (
    <div className="space-y-8">
      <div>
        <p className="text-sm text-muted-foreground">Settings</p>
        <h1 className="text-2xl font-semibold">API keys</h1>
        <p className="mt-1 text-sm text-muted-foreground">
          Engine agents and scripts call Koi with these. Koi stores only a hash: a key is shown once, when you create
          it.
        </p>
      </div>
      {canManage ? (
        <Card className="space-y-4">
          <h2 className="font-medium">Create a key</h2>
          <CreateApiKeyForm />
        </Card>
      ) : null}
      <section aria-labelledby="keys-heading" className="space-y-3">
        <h2 id="keys-heading" className="font-medium">
          Keys
        </h2>
        {roleAtLeast(org.role, "MEMBER") ? (
          <ApiKeysTable canManage={canManage} />
        ) : (
          <p className="text-sm text-muted-foreground">Viewers cannot see API keys.</p>
        )}
      </section>
    </div>
  );
}
