import { randomBytes } from "node:crypto";
import { slugify } from "@koi/auth/create-personal-org";
import { recordAudit } from "@koi/core/audit";
import { prisma } from "@koi/db";

/** A new org with the caller as its OWNER. The random suffix keeps slugs unique without a retry loop. */
export async function createOrg(userId: string, name: string): Promise<{ id: string; slug: string; name: string }> {
  return prisma.$transaction(async (tx) => {
    const org = await tx.organization.create({
      data: { name, slug: `${slugify(name)}-${randomBytes(3).toString("hex")}` },
    });
    await tx.membership.create({ data: { orgId: org.id, userId, role: "OWNER" } });
    await recordAudit(tx, {
      orgId: org.id,
      actorUserId: userId,
      action: "org.created",
      targetType: "organization",
      targetId: org.id,
    });
    return { id: org.id, slug: org.slug, name: org.name };
  });
}
