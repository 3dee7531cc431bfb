"use server";

import { signIn } from "@/auth";
import { safeCallbackUrl } from "@/lib/safe-callback-url";

export async function signInWithProvider(formData: FormData): Promise<void> {
  const provider = formData.get("provider");
  if (provider !== "github" && provider !== "google") return;
  await signIn(provider, { redirectTo: safeCallbackUrl(formData.get("callbackUrl")) });
}
