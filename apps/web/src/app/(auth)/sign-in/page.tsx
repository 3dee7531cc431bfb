import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { env } from "@koi/core/env";
import { auth } from "@/auth";
import { AuthCard } from "@/components/auth/auth-card";
import { OAuthButtons } from "@/components/auth/oauth-buttons";
import { TextLink } from "@/components/auth/text-link";
import { configuredOAuthProviders } from "@/lib/oauth-providers";
import { safeCallbackUrl } from "@/lib/safe-callback-url";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

// Auth.js sends OAuth failures here as ?error=…; say what happened without internals.
const errorMessages: Record<string, string> = {
  InviteOnly: "Koi is invite-only — join the waitlist, or ask a teammate to invite you.",
  OAuthAccountNotLinked: "That email already has a Koi account. Sign in with your password.",
  AccessDenied: "Sign-in was refused.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  const session = await auth();
  if (session?.user?.id) redirect(callbackUrl);
  const errorKey = typeof params.error === "string" ? params.error : undefined;
  const initialError = errorKey ? (errorMessages[errorKey] ?? "Sign-in failed. Try again.") : undefined;
  const openSignUp = env().KOI_OPEN_SIGNUP;

  return (
    <AuthCard
      title="Sign in to Koi"
      footer={
        openSignUp ? (
          <>
            New to Koi? <TextLink href="/sign-up">Create an account</TextLink>
          </>
        ) : (
          <>
            No account yet? Koi is invite-only — <TextLink href="/waitlist">join the waitlist</TextLink>.
          </>
        )
      }
    >
      <SignInForm callbackUrl={callbackUrl} initialError={initialError} />
      <p className="text-sm">
        <TextLink href="/forgot-password">Forgot your password?</TextLink>
      </p>
      <OAuthButtons providers={configuredOAuthProviders()} callbackUrl={callbackUrl} />
    </AuthCard>
  );
}
