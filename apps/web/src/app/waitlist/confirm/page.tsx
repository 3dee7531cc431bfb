import { TRPCError } from "@trpc/server";
import { CircleAlert, CircleCheck } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { CenteredCardPage } from "@/components/layout/centered-card-page";
import { serverApi } from "@/trpc/server";

export const metadata: Metadata = { title: "Confirm your email", robots: { index: false } };

type TOutcome = { kind: "confirmed"; approved: boolean } | { kind: "invalid"; message: string } | { kind: "error" };

async function confirm(token: string | undefined): Promise<TOutcome> {
  if (!token)
    return {
      kind: "invalid",
      message: "This link has no confirmation code. Open the link from your email again, in full.",
    };
  try {
    const result = await (await serverApi()).waitlist.confirm({ token });
    return { kind: "confirmed", approved: result.status === "APPROVED" };
  } catch (err) {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) {
      return {
        kind: "invalid",
        message: err.code === "NOT_FOUND" ? err.message : "This confirmation link is not valid.",
      };
    }
    return { kind: "error" };
  }
}

// Confirming on GET is deliberate: the link's only effect is idempotent, and a mail scanner that
// opens it first proves no more than the click would.
export default async function ConfirmWaitlistPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}) {
  const { token } = await searchParams;
  const outcome = await confirm(typeof token === "string" ? token : undefined);

  switch (outcome.kind) {
    case "confirmed":
      return (
        <CenteredCardPage
          title="You're confirmed"
          icon={<CircleCheck aria-hidden className="size-10 text-emerald-600" />}
        >
          <p>
            {outcome.approved
              ? "Your access is already approved: look for the invitation email to create your account."
              : "Thanks — your place on the Koi waitlist is confirmed. We'll email your invitation as soon as there is room."}
          </p>
          <p>
            <Link href="/" className="font-medium text-link hover:underline">
              Back to the Koi homepage
            </Link>
          </p>
        </CenteredCardPage>
      );
    case "invalid":
      return (
        <CenteredCardPage
          title="This link doesn't work"
          icon={<CircleAlert aria-hidden className="size-10 text-amber-600" />}
        >
          <p>{outcome.message}</p>
          <p>
            Not on the list yet?{" "}
            <Link href="/#waitlist" className="font-medium text-link hover:underline">
              Join the waitlist
            </Link>
            .
          </p>
        </CenteredCardPage>
      );
    case "error":
      return (
        <CenteredCardPage
          title="We couldn't confirm right now"
          icon={<CircleAlert aria-hidden className="size-10 text-red-600" />}
        >
          <p>Something went wrong on our side. Your link is still good: open it again in a minute.</p>
        </CenteredCardPage>
      );
  }
}
