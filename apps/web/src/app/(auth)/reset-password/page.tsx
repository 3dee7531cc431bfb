import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";
import { TextLink } from "@/components/auth/text-link";
import { ResetPasswordForm } from "./reset-password-form";

export const metadata: Metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const token = typeof params.token === "string" ? params.token : undefined;
  if (!token) {
    return (
      <AuthCard
        title="This reset link is incomplete"
        description="Open the link from the email again, or ask for a new one."
      >
        <TextLink href="/forgot-password">Get a new link</TextLink>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Choose a new password" description="After this, the link stops working and you're signed in.">
      <ResetPasswordForm token={token} />
    </AuthCard>
  );
}
