import type { Metadata } from "next";
import { env } from "@koi/core/env";
import { AuthCard } from "@/components/auth/auth-card";
import { InvalidInvitation } from "@/components/auth/invalid-invitation";
import { InvitationSummary, invitationTitle } from "@/components/auth/invitation-summary";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { TextLink } from "@/components/auth/text-link";
import { getInvitationInfo } from "@/lib/get-invitation-info";

export const metadata: Metadata = { title: "Create your account" };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const token = typeof params.token === "string" ? params.token : undefined;
  const signInFooter = (
    <>
      Already have an account? <TextLink href="/sign-in">Sign in</TextLink>
    </>
  );

  if (token) {
    const info = await getInvitationInfo(token);
    if (!info) return <InvalidInvitation />;
    const acceptUrl = `/invite/accept?token=${encodeURIComponent(token)}`;
    if (info.userExists) {
      return (
        <AuthCard title={invitationTitle(info)} description={`${info.email} already has a Koi account.`}>
          <InvitationSummary info={info} />
          <TextLink href={`/sign-in?callbackUrl=${encodeURIComponent(acceptUrl)}`}>
            Sign in to accept the invitation
          </TextLink>
        </AuthCard>
      );
    }
    return (
      <AuthCard
        title={invitationTitle(info)}
        description="Create your account to accept the invitation."
        footer={signInFooter}
      >
        <InvitationSummary info={info} />
        <SignUpForm inviteToken={token} invitedEmail={info.email} />
      </AuthCard>
    );
  }

  if (!env().KOI_OPEN_SIGNUP) {
    return (
      <AuthCard
        title="Koi is invite-only — join the waitlist"
        description="We're letting teams in a few at a time. Join the waitlist, or ask a teammate on Koi to invite you."
        footer={signInFooter}
      >
        <TextLink href="/waitlist">Join the waitlist</TextLink>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Create your Koi account"
      description="You'll get your own organization; invite your team from its settings."
      footer={signInFooter}
    >
      <SignUpForm />
    </AuthCard>
  );
}
