"use server";

import { z } from "zod";
import { auth, unstable_update } from "@/auth";

const ZOrgId = z.string().min(1).max(64);

/**
 * Makes `orgId` the session's active org. The jwt callback re-checks the membership, so asking
 * for an org the user is not in leaves the session on one they are in; `ok` says which happened.
 */
export async function switchActiveOrg(orgId: string): Promise<{ ok: boolean }> {
  const parsed = ZOrgId.safeParse(orgId);
  const session = await auth();
  if (!parsed.success || !session?.user?.id) return { ok: false };
  const updated = await unstable_update({ activeOrgId: parsed.data });
  return { ok: updated?.activeOrgId === parsed.data };
}
