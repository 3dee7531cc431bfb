import { redirect } from "next/navigation";
import { loadOrgPage } from "@/lib/load-org-page";

// Members is the only settings page so far.
export default async function SettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { org } = await loadOrgPage((await params).slug);
  redirect(`/o/${org.slug}/settings/members`);
}
