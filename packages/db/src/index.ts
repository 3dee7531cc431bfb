import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";

export * from "./generated/client.ts";

export function createPrismaClient(url: string): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({
      connectionString: url,
      max: Number(process.env.KOI_DB_POOL_SIZE ?? 10),
      // A full pool fails the query after this long (a 503 to the caller) instead of queueing forever.
      connectionTimeoutMillis: Number(process.env.KOI_DB_POOL_TIMEOUT_MS ?? 5_000),
    }),
  });
}

const holder = globalThis as unknown as { koiPrisma?: PrismaClient };

/** The process's client, made on first use so that importing this module needs no DATABASE_URL
 * (Next.js imports it while building) and tests can point DATABASE_URL at a throwaway database first. */
export function getPrisma(): PrismaClient {
  if (!holder.koiPrisma) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    holder.koiPrisma = createPrismaClient(url);
  }
  return holder.koiPrisma;
}

export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, prop) {
    const client = getPrisma();
    const value = Reflect.get(client, prop, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** A write that lost to another on a unique index (Prisma's P2002): the row it meant to create exists. */
export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === "P2002";
}
