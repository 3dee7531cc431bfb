import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { createThrowawayDatabase, dropDatabase } from "@koi/db/test-database";
import { freePort, koiEnv, startWeb, webDir } from "./koi-processes.ts";

/**
 * The security suite attacks the BUILT app the way an outsider would: Koi's own web server
 * (server/main.ts, NODE_ENV=production) on a throwaway database and Redis prefix, reached only
 * through real HTTP. No trusted proxy (KOI_TRUST_PROXY=0), so X-Forwarded-For must not count.
 * Suites that need more processes (a second web server, workers) start them with the same
 * settings, read from KOI_HTTP_* (support/koi-processes.ts).
 */
export default async function setup() {
  if (!fs.existsSync(path.join(webDir, ".next/BUILD_ID")))
    throw new Error("test:http runs the built app: run `npm run build` first (scripts/test-all.sh does).");
  const base = process.env.KOI_TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const databaseUrl = await createThrowawayDatabase(base, "http");
  const redisUrl = process.env.KOI_TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
  const prefix = `koi-http-${randomBytes(4).toString("hex")}`;
  const port = Number(process.env.KOI_HTTP_PORT ?? (await freePort()));
  const baseUrl = `http://localhost:${port}`;
  const authSecret = process.env.AUTH_SECRET ?? "http-suite-secret-not-for-production-0123456789";
  const settings = { databaseUrl, redisUrl, prefix, baseUrl, authSecret };
  const server = await startWeb(port, koiEnv(settings)).catch(async (err: unknown) => {
    await dropDatabase(databaseUrl);
    throw err;
  });
  Object.assign(process.env, {
    KOI_HTTP_BASE_URL: baseUrl,
    KOI_HTTP_SETTINGS: JSON.stringify(settings),
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    KOI_REDIS_PREFIX: prefix,
    NODE_ENV: "test",
    AUTH_SECRET: authSecret,
    APP_URL: baseUrl,
  });
  return async () => {
    await server.stop();
    await dropDatabase(databaseUrl);
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    if (process.env.KOI_HTTP_SERVER_LOG) console.log(server.log());
  };
}
