import type { Role } from "@koi/db";

const rank: Record<Role, number> = { VIEWER: 0, MEMBER: 1, ADMIN: 2, OWNER: 3 };

export function roleAtLeast(role: Role, min: Role): boolean {
  return rank[role] >= rank[min];
}
