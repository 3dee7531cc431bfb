import { AuthCard } from "@/components/auth/auth-card";
import { TextLink } from "@/components/auth/text-link";

export function InvalidInvitation() {
  return (
    <AuthCard
      title="This invitation link doesn't work"
      description="It may have expired (links last 7 days), been used already, or been revoked. Ask whoever invited you to send a new one."
    >
      <p className="text-sm">
        Already have an account? <TextLink href="/sign-in">Sign in</TextLink>
      </p>
    </AuthCard>
  );
}
