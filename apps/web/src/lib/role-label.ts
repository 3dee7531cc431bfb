import type { TRole } from "@koi/services/members/role.schema";

export const roleLabel: Record<TRole, string> = { OWNER: "Owner", ADMIN: "Admin", MEMBER: "Member", VIEWER: "Viewer" };

export const roleDescription: Record<TRole, string> = {
  OWNER: "Everything, including other owners",
  ADMIN: "Manage members, keys and settings",
  MEMBER: "Run and manage workloads",
  VIEWER: "Read-only",
};
