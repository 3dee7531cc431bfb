"use server";

import { signOut } from "@/auth";
import { safeCallbackUrl } from "@/lib/safe-callback-url";

export async function signOutAction(formData: FormData): Promise<void> {
  await signOut({ redirectTo: safeCallbackUrl(formData.get("redirectTo"), "/sign-in") });
}
