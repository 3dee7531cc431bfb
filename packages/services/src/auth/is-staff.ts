import { prisma } from "@koi/db";

/** Staff run the waitlist and the admin area; everyone else is told it does not exist. */
export async function isStaff(userId: string): Promise<boolean> {
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { isStaff: true } });
  return user?.isStaff ?? false;
}
