import type { Metadata } from "next";
import { roleAtLeast } from "@koi/auth/roles";
import { Card } from "@koi/ui/card";
import { NotificationsForm } from "@/components/settings/notifications-form";
import { loadOrgPage } from "@/lib/load-org-page";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { org } = await loadOrgPage((await params).slug);
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-muted-foreground">Settings</p>
        <h1 className="text-2xl font-semibold">Notifications</h1>
        <p className="mt-1 text-sm text-muted-foreground">
          Koi tells you once per workload when its deadline is at risk or its spend passes the budget.
        </p>
      </div>
      <Card className="max-w-2xl">
        <NotificationsForm canEdit={roleAtLeast(org.role, "ADMIN")} />
      </Card>
    </div>
  );
}
