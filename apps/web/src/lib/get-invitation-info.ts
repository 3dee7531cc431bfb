import "server-only";
import { TRPCError } from "@trpc/server";
import type { TInvitationInfo } from "@koi/services/auth/invitation-info.schema";
import { serverApi } from "@/trpc/server";

/** The invitation behind a link, or null when the link is unknown, used, revoked, expired or malformed. */
export async function getInvitationInfo(token: string | undefined): Promise<TInvitationInfo | null> {
  if (!token) return null;
  try {
    return await (await serverApi()).auth.invitationInfo({ token });
  } catch (err) {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) return null;
    throw err;
  }
}
