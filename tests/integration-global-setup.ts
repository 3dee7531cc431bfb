import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { createThrowawayDatabase, dropDatabase } from "../packages/db/src/test-database.ts";

/**
 * One throwaway Postgres database (migrated from the committed migrations) and one Redis key
 * prefix per run, so runs never see each other's rows or queues.
 */
export default async function setup() {
  const base = process.env.KOI_TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const databaseUrl = await createThrowawayDatabase(base, "it");
  const redisUrl = process.env.KOI_TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
  const prefix = `koi-it-${randomBytes(4).toString("hex")}`;
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    KOI_REDIS_PREFIX: prefix,
    NODE_ENV: "test",
    AUTH_SECRET: process.env.AUTH_SECRET ?? "integration-secret-0123456789abcdef0123456789",
    APP_URL: "http://localhost:3000",
  });
  return async () => {
    await dropDatabase(databaseUrl);
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  };
}
