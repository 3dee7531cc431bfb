import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { createThrowawayDatabase, dropDatabase, dropDatabaseCopies } from "../packages/db/src/test-database.ts";

/**
 * One throwaway Postgres database (migrated from the committed migrations) and one Redis key
 * prefix per run, so runs never see each other's rows or queues. Each vitest worker works on a
 * copy of that database and a prefix of its own (tests/integration-worker-database.ts); they are
 * dropped with it. Both integration projects name this setup: vitest runs it once for each, at the
 * same time, and two migrations at once crash Prisma's schema engine, so the first call's database
 * serves the run.
 */
export default function setup(): Promise<() => Promise<void>> {
  const run = globalThis as { koiIntegrationRun?: Promise<() => Promise<void>> };
  return (run.koiIntegrationRun ??= createRun());
}

async function createRun(): Promise<() => Promise<void>> {
  const base = process.env.KOI_TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const databaseUrl = await createThrowawayDatabase(base, "it");
  const redisUrl = process.env.KOI_TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
  const prefix = `koi-it-${randomBytes(4).toString("hex")}`;
  Object.assign(process.env, {
    KOI_IT_TEMPLATE_DATABASE_URL: databaseUrl,
    KOI_IT_REDIS_PREFIX: prefix,
    REDIS_URL: redisUrl,
    NODE_ENV: "test",
    AUTH_SECRET: process.env.AUTH_SECRET ?? "integration-secret-0123456789abcdef0123456789",
    APP_URL: "http://localhost:3000",
  });
  let dropped: Promise<void> | undefined;
  return () =>
    (dropped ??= (async () => {
      await dropDatabaseCopies(databaseUrl);
      await dropDatabase(databaseUrl);
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    })());
}
