import { randomBytes } from "node:crypto";
import type { Tx } from "@koi/db";

export function slugify(name: string): string {
  const base = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32);
  return base || "org";
}

/**
 * A user who was not invited into an org gets their own, as OWNER: named after the company they
 * gave (on the waitlist) when there is one, else after them.
 */
export async function createPersonalOrg(tx: Tx, userId: string, ownerName: string, company?: string | null) {
  const owner = ownerName.split("@")[0] ?? "org";
  const named = company?.trim() || null;
  const name = named ?? `${owner}'s org`;
  const slug = `${slugify(named ?? owner)}-${randomBytes(3).toString("hex")}`;
  const org = await tx.organization.create({ data: { name, slug } });
  await tx.membership.create({ data: { orgId: org.id, userId, role: "OWNER" } });
  return org;
}
