import { randomBytes } from "node:crypto";
import { prisma, type Role } from "@koi/db";
import { addTestMember, createTestOrg, createTestUser } from "@koi/db/factories";
import { hashPassword } from "@koi/db/password";
import { e2eEnv } from "./state.ts";

/**
 * Fresh users and orgs for a spec, written straight into the e2e run's database (global setup
 * points DATABASE_URL at it). Every call makes new random ones: specs never share accounts.
 */
type TSignInUser = {
  userId: string;
  orgId: string;
  orgSlug: string;
  orgName: string;
  email: string;
  password: string;
  role: Role;
};

export async function createUserWithOrg(
  opts: { role?: Role; isStaff?: boolean; orgName?: string; password?: string; name?: string } = {},
): Promise<TSignInUser> {
  e2eEnv(); // fail clearly outside an e2e run instead of writing to whatever DATABASE_URL says
  const role = opts.role ?? "OWNER";
  const password = opts.password ?? `pw-${randomBytes(9).toString("base64url")}`;
  const userOpts = {
    email: `e2e-${randomBytes(5).toString("hex")}@example.test`,
    name: opts.name ?? "E2E User",
    passwordHash: await hashPassword(password),
    isStaff: opts.isStaff ?? false,
  };

  const { user, org } = await userInOrg(role, userOpts, opts.orgName);
  // Like a user who signed up and confirmed their address.
  await prisma.user.update({ where: { id: user.id }, data: { emailVerified: new Date() } });
  return {
    userId: user.id,
    orgId: org.id,
    orgSlug: org.slug,
    orgName: org.name,
    email: userOpts.email,
    password,
    role,
  };
}

async function userInOrg(role: Role, userOpts: Parameters<typeof createTestUser>[0], orgName?: string) {
  if (role === "OWNER") {
    const user = await createTestUser(userOpts);
    return { user, org: await createTestOrg({ name: orgName, ownerId: user.id }) };
  }
  // Someone else owns the org, as in real life.
  const org = await createTestOrg({ name: orgName, ownerId: (await createTestUser()).id });
  return { user: await addTestMember(org.id, role, userOpts), org };
}

/** A Koi staff user (no org), e.g. for /admin pages. */
export async function createStaffUser(
  opts: { password?: string } = {},
): Promise<{ userId: string; email: string; password: string }> {
  e2eEnv();
  const password = opts.password ?? `pw-${randomBytes(9).toString("base64url")}`;
  const user = await createTestUser({
    email: `e2e-staff-${randomBytes(5).toString("hex")}@example.test`,
    name: "E2E Staff",
    isStaff: true,
    passwordHash: await hashPassword(password),
  });
  await prisma.user.update({ where: { id: user.id }, data: { emailVerified: new Date() } });
  return { userId: user.id, email: user.email, password };
}
