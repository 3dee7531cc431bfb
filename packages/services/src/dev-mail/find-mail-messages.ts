import { prisma } from "@koi/db";

// /dev/mail (development and the local demo only): every email Koi stored.

/** The newest `limit` stored emails, optionally to one recipient. */
export function listMailMessages(filter: { to?: string; limit: number }) {
  return prisma.mailMessage.findMany({
    where: filter.to ? { to: filter.to } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filter.limit,
    select: { id: true, to: true, subject: true, createdAt: true, transport: true, sentAt: true },
  });
}

export function findMailMessage(id: string) {
  return prisma.mailMessage.findUnique({ where: { id: id.slice(0, 64) } });
}
