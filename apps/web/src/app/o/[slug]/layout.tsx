import type { ReactNode } from "react";
import { SwitchActiveOrg } from "@/components/dashboard/switch-active-org";
import { TopNav } from "@/components/dashboard/top-nav";
import { loadOrgPage } from "@/lib/load-org-page";
import { MainContent } from "@/components/layout/main-content";

/**
 * Every org page: signed in, a member of this slug's org (else 404 — another org's pages do not
 * exist for you), and that org active in the session, because org procedures use the session's org.
 */
export default async function OrgLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ slug: string }>;
}) {
  const { session, orgs, org, isActive } = await loadOrgPage((await params).slug);
  if (!isActive) return <SwitchActiveOrg orgId={org.id} orgName={org.name} />;
  return (
    <div className="min-h-screen bg-zinc-50 dark:bg-zinc-950">
      <TopNav
        current={org}
        orgs={orgs}
        user={{ name: session.user?.name ?? null, email: session.user?.email ?? null }}
      />
      <MainContent className="mx-auto max-w-6xl px-4 py-8 sm:px-6">{children}</MainContent>
    </div>
  );
}
