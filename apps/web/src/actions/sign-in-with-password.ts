"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { signIn } from "@/auth";
import { safeCallbackUrl } from "@/lib/safe-callback-url";
import { ZSignInInput, type TSignInInput } from "./sign-in.schema";

type TSignInResult = { error: string; rateLimited?: boolean } | undefined;

const INVALID_CREDENTIALS = "Invalid email or password.";

/** Signs in and redirects; returns an error to show instead. One message for every credential failure. */
export async function signInWithPassword(input: TSignInInput): Promise<TSignInResult> {
  const parsed = ZSignInInput.safeParse(input);
  if (!parsed.success) return { error: INVALID_CREDENTIALS };
  const { email, password, callbackUrl } = parsed.data;
  try {
    await signIn("credentials", { email, password, redirectTo: safeCallbackUrl(callbackUrl) });
  } catch (err) {
    if (err instanceof CredentialsSignin && err.code === "rate_limited") {
      return { error: "Too many sign-in attempts. Wait a few minutes, then try again.", rateLimited: true };
    }
    if (err instanceof CredentialsSignin) return { error: INVALID_CREDENTIALS };
    // Anything else (Redis or Postgres down) is not about the account: say so rather than blame the password.
    if (err instanceof AuthError) return { error: "Koi can't sign you in right now. Try again in a moment." };
    throw err; // the redirect after a successful sign-in
  }
}
