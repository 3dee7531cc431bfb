import { roleAtLeast } from "@koi/auth/roles";
import { AppError } from "@koi/core/app-error";
import type { TRole } from "./role.schema.ts";

// Pure rules of who may change whom; the services feed them rows read inside a locked transaction.

export const LAST_OWNER = "An organization needs at least one owner: make someone else owner first.";

export function inviteRefusal(p: { actorRole: TRole; role: TRole }): AppError | null {
  if (p.role === "OWNER" && p.actorRole !== "OWNER")
    return new AppError("FORBIDDEN", "Only an owner can invite another owner.");
  return null;
}

export function roleChangeRefusal(p: {
  actorRole: TRole;
  currentRole: TRole;
  newRole: TRole;
  ownerCount: number;
}): AppError | null {
  if (!roleAtLeast(p.actorRole, "ADMIN")) return new AppError("FORBIDDEN", "Only admins and owners can change roles.");
  if ((p.currentRole === "OWNER" || p.newRole === "OWNER") && p.actorRole !== "OWNER") {
    return new AppError("FORBIDDEN", "Only an owner can grant or take away the owner role.");
  }
  if (p.currentRole === "OWNER" && p.newRole !== "OWNER" && p.ownerCount <= 1)
    return new AppError("CONFLICT", LAST_OWNER);
  return null;
}

export function removalRefusal(p: {
  actorRole: TRole;
  isSelf: boolean;
  targetRole: TRole;
  ownerCount: number;
}): AppError | null {
  if (!p.isSelf && !roleAtLeast(p.actorRole, "ADMIN"))
    return new AppError("FORBIDDEN", "Only admins and owners can remove members.");
  if (!p.isSelf && p.targetRole === "OWNER" && p.actorRole !== "OWNER")
    return new AppError("FORBIDDEN", "Only an owner can remove an owner.");
  if (p.targetRole === "OWNER" && p.ownerCount <= 1) {
    return new AppError(
      "CONFLICT",
      p.isSelf ? "You are the last owner: make someone else owner before leaving." : LAST_OWNER,
    );
  }
  return null;
}
