import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { createThrowawayDatabase, dropDatabase } from "@koi/db/test-database";

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, server: ChildProcess, log: () => string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the web server exited (${server.exitCode}):\n${log()}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the web server did not answer at ${url} within ${timeoutMs} ms:\n${log()}`);
}

/**
 * The security suite attacks the BUILT app the way an outsider would: Koi's own web server
 * (server/main.ts, NODE_ENV=production) on a throwaway database and Redis prefix, reached only
 * through real HTTP. No trusted proxy (KOI_TRUST_PROXY=0), so X-Forwarded-For must not count.
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
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    KOI_REDIS_PREFIX: prefix,
    APP_URL: baseUrl,
    AUTH_SECRET: process.env.AUTH_SECRET ?? "http-suite-secret-not-for-production-0123456789",
    KOI_TRUST_PROXY: "0",
    KOI_AUTH_LIMIT_PER_15_MIN: "10",
    KOI_WAITLIST_LIMIT_PER_HOUR: "5",
    LOG_LEVEL: "warn",
  };
  let output = "";
  const server = spawn(process.execPath, ["--import", "tsx", "server/main.ts", "--port", String(port)], {
    cwd: webDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  server.stdout!.on("data", keep);
  server.stderr!.on("data", keep);
  try {
    await waitForHttp(`${baseUrl}/`, server, () => output);
  } catch (err) {
    server.kill("SIGKILL");
    await dropDatabase(databaseUrl);
    throw err;
  }
  Object.assign(process.env, {
    KOI_HTTP_BASE_URL: baseUrl,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    KOI_REDIS_PREFIX: prefix,
    NODE_ENV: "test",
    AUTH_SECRET: env.AUTH_SECRET,
    APP_URL: baseUrl,
  });
  return async () => {
    server.kill("SIGTERM");
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once("exit", r)));
    await dropDatabase(databaseUrl);
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    if (process.env.KOI_HTTP_SERVER_LOG) console.log(output);
  };
}
