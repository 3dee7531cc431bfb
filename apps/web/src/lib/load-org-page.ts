import "server-only";
import { notFound, redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "@/auth";
import { currentPath } from "@/lib/current-path";
import { safeCallbackUrl } from "@/lib/safe-callback-url";
import { serverApi } from "@/trpc/server";

/**
 * The session and the org a /o/[slug] URL names, or a redirect to sign in, or 404 when the user is
 * not a member. Layouts and pages render in parallel, so each page calls this too (cached per request)
 * instead of trusting its layout to have checked.
 */
export const loadOrgPage = cache(async (slug: string) => {
  const session = await auth();
  if (!session?.user?.id) {
    const back = safeCallbackUrl(await currentPath(), `/o/${encodeURIComponent(slug)}`);
    redirect(`/sign-in?callbackUrl=${encodeURIComponent(back)}`);
  }
  const orgs = await (await serverApi()).org.listMine();
  const org = orgs.find((o) => o.slug === slug);
  if (!org) notFound();
  return { session, orgs, org, isActive: session.activeOrgId === org.id };
});
