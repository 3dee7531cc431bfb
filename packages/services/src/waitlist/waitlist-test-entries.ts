import { randomBytes } from "node:crypto";
import { prisma, type WaitlistStatus } from "@koi/db";

/** A waitlist entry in the given state, with a fresh email (tests only). */
export async function entry(status: WaitlistStatus, overrides: { name?: string; company?: string } = {}) {
  return prisma.waitlistEntry.create({
    data: {
      email: `a-${randomBytes(6).toString("hex")}@example.test`,
      name: overrides.name ?? "Linus",
      company: overrides.company ?? "Kernel Co",
      fleetSize: "65-512",
      workloadType: "BATCH",
      status,
      confirmedAt: status === "PENDING" ? null : new Date(),
    },
  });
}
