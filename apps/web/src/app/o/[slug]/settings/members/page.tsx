import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { serverApi } from "@/trpc/server";
import { MembersSettings } from "./members-settings";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const org = (await (await serverApi()).org.listMine()).find((o) => o.slug === slug);
  if (!org) notFound();
  return <MembersSettings orgName={org.name} role={org.role} />;
}
