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

/** A user who was not invited into an org gets their own, as OWNER. */
export async function createPersonalOrg(tx: Tx, userId: string, ownerName: string) {
  const name = `${ownerName.split("@")[0]}'s org`;
  const slug = `${slugify(ownerName.split("@")[0] ?? "org")}-${randomBytes(3).toString("hex")}`;
  const org = await tx.organization.create({ data: { name, slug } });
  await tx.membership.create({ data: { orgId: org.id, userId, role: "OWNER" } });
  return org;
}
