import type { Metadata } from "next";
import { signOutAction } from "@/actions/sign-out";
import { auth } from "@/auth";
import { AuthCard } from "@/components/auth/auth-card";
import { InvalidInvitation } from "@/components/auth/invalid-invitation";
import { InvitationSummary, invitationTitle } from "@/components/auth/invitation-summary";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { TextLink } from "@/components/auth/text-link";
import { getInvitationInfo } from "@/lib/get-invitation-info";
import { Button } from "@koi/ui/button";
import { AcceptInvitationButton } from "./accept-invitation-button";

export const metadata: Metadata = { title: "Accept invitation" };

/** No account for the invited email → sign up here; signed in as it → accept; else → sign in as it first. */
export default async function AcceptInvitationPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const token = typeof params.token === "string" ? params.token : undefined;
  const info = await getInvitationInfo(token);
  if (!token || !info) return <InvalidInvitation />;

  if (!info.userExists) {
    return (
      <AuthCard title={invitationTitle(info)} description="Create your account to accept.">
        <InvitationSummary info={info} />
        <SignUpForm inviteToken={token} invitedEmail={info.email} />
      </AuthCard>
    );
  }

  const session = await auth();
  const signedInAs = session?.user?.email?.toLowerCase() ?? null;
  if (signedInAs === info.email.toLowerCase()) {
    return (
      <AuthCard title={invitationTitle(info)}>
        <InvitationSummary info={info} />
        <AcceptInvitationButton token={token} />
      </AuthCard>
    );
  }

  const here = `/invite/accept?token=${encodeURIComponent(token)}`;
  const signInUrl = `/sign-in?callbackUrl=${encodeURIComponent(here)}`;
  return (
    <AuthCard title={invitationTitle(info)} description={`Sign in as ${info.email} to accept.`}>
      <InvitationSummary info={info} />
      {signedInAs ? (
        <form action={signOutAction} className="space-y-3">
          <p className="text-sm text-muted-foreground">You're signed in as {signedInAs}.</p>
          <input type="hidden" name="redirectTo" value={signInUrl} />
          <Button type="submit" className="w-full">
            Sign out and sign in as {info.email}
          </Button>
        </form>
      ) : (
        <TextLink href={signInUrl}>Sign in to accept</TextLink>
      )}
    </AuthCard>
  );
}
