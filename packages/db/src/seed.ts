import { hashPassword } from "./password.ts";
import { prisma } from "./index.ts";

/** The demo organisation and logins the README lists. Safe to run again: it upserts. */
export const DEMO = {
  org: { slug: "acme", name: "Acme AI" },
  user: { email: "demo@koi.local", password: "koi-demo-2026", name: "Dana Demo" },
  staff: { email: "staff@koi.local", password: "koi-staff-2026", name: "Sam Staff" },
} as const;

export async function seedDemo(): Promise<void> {
  const org = await prisma.organization.upsert({
    where: { slug: DEMO.org.slug },
    create: DEMO.org,
    update: {},
  });
  const user = await prisma.user.upsert({
    where: { email: DEMO.user.email },
    create: {
      email: DEMO.user.email,
      name: DEMO.user.name,
      passwordHash: await hashPassword(DEMO.user.password),
      emailVerified: new Date(),
    },
    update: {},
  });
  await prisma.membership.upsert({
    where: { orgId_userId: { orgId: org.id, userId: user.id } },
    create: { orgId: org.id, userId: user.id, role: "OWNER" },
    update: {},
  });
  await prisma.user.upsert({
    where: { email: DEMO.staff.email },
    create: {
      email: DEMO.staff.email,
      name: DEMO.staff.name,
      isStaff: true,
      passwordHash: await hashPassword(DEMO.staff.password),
      emailVerified: new Date(),
    },
    update: { isStaff: true },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await seedDemo();
  console.log(
    `seeded demo org "${DEMO.org.name}" — sign in as ${DEMO.user.email} / ${DEMO.user.password} (staff: ${DEMO.staff.email} / ${DEMO.staff.password})`,
  );
  await prisma.$disconnect();
}
