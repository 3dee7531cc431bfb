import { redirect } from "next/navigation";

// Members is the only settings page so far.
export default async function SettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  redirect(`/o/${encodeURIComponent(slug)}/settings/members`);
}
