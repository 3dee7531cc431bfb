import { randomBytes } from "node:crypto";
import type { Role } from "./generated/client.ts";
import { prisma } from "./index.ts";

/** Fresh random orgs and users for tests; nothing is shared between tests. */
const suffix = () => randomBytes(4).toString("hex");

export async function createTestUser(
  opts: { email?: string; name?: string; passwordHash?: string; isStaff?: boolean } = {},
) {
  return prisma.user.create({
    data: {
      email: opts.email ?? `user-${suffix()}@example.test`,
      name: opts.name ?? "Test User",
      passwordHash: opts.passwordHash ?? null,
      isStaff: opts.isStaff ?? false,
    },
  });
}

export async function createTestOrg(opts: { name?: string; ownerId?: string } = {}) {
  const s = suffix();
  const org = await prisma.organization.create({ data: { name: opts.name ?? `Org ${s}`, slug: `org-${s}` } });
  if (opts.ownerId) await prisma.membership.create({ data: { orgId: org.id, userId: opts.ownerId, role: "OWNER" } });
  return org;
}

export async function addTestMember(orgId: string, role: Role, userOpts: Parameters<typeof createTestUser>[0] = {}) {
  const user = await createTestUser(userOpts);
  await prisma.membership.create({ data: { orgId, userId: user.id, role } });
  return user;
}
