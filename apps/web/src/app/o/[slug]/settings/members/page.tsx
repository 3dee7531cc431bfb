import type { Metadata } from "next";
import { loadOrgPage } from "@/lib/load-org-page";
import { MembersSettings } from "./members-settings";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { org } = await loadOrgPage((await params).slug);
  return <MembersSettings orgName={org.name} role={org.role} />;
}
