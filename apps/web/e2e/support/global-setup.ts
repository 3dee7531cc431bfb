import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { FullConfig } from "@playwright/test";
import { createThrowawayDatabase } from "@koi/db/test-database";
import { cleanUp } from "./clean-up.ts";
import { koiProcessEnv } from "./koi-env.ts";
import { freePort, isRunning, portInUse, startNode, waitForHttp } from "./processes.ts";
import { startWeb } from "./start-web.ts";
import { baseUrlOf, logDirOf, readState, webDir, workerDir, writeState, type TE2eState } from "./state.ts";

/**
 * Starts Koi for one e2e run: a throwaway database (migrated), a fresh Redis key prefix, the
 * BUILT web app (Koi's web server, apps/web/server/main.ts) and the worker, with settings that make specs deterministic:
 * - KOI_TRUST_PROXY=1 so each spec can send its own X-Forwarded-For (see ip.ts) and never
 *   trips another spec's rate limit;
 * - KOI_WAITLIST_LIMIT_PER_HOUR=5 so the limit itself is quick to reach in a spec;
 * - SMTP_URL unset so mail is stored in the database (read by mail.ts).
 */
export default async function globalSetup(config: FullConfig): Promise<void> {
  const { baseUrl, port } = baseUrlOf(config);
  const logDir = logDirOf(port);

  const buildId = path.join(webDir, ".next/BUILD_ID");
  if (!fs.existsSync(buildId)) {
    throw new Error(
      `e2e runs the built app, and there is no build (${buildId} is missing).\nRun \`npm run build\` first (or \`bash scripts/test-all.sh\`, which does both).`,
    );
  }

  const previous = readState(port);
  if (previous && isRunning(previous.runnerPid, /playwright/)) {
    throw new Error(
      `another e2e run (Playwright pid ${previous.runnerPid}) is using port ${port}. Wait for it, or use another port: KOI_E2E_PORT=3300 npm run e2e`,
    );
  }
  // A run that crashed or was killed leaves its servers and database behind: remove them.
  if (previous) await cleanUp(previous);

  if ((await portInUse(port, "127.0.0.1")) || (await portInUse(port, "::1"))) {
    throw new Error(
      `port ${port} is already in use (scripts/start.sh or \`next dev\`?). Stop it, or pick another port: KOI_E2E_PORT=3300 npm run e2e`,
    );
  }

  const redisUrl = process.env.KOI_TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
  const base = process.env.KOI_TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const healthPort = await freePort();
  const state: TE2eState = {
    port,
    runnerPid: process.pid,
    baseUrl,
    databaseUrl: await createThrowawayDatabase(base, "e2e"),
    redisUrl,
    redisPrefix: `koi-e2e-${randomBytes(4).toString("hex")}`,
    workerHealthUrl: `http://127.0.0.1:${healthPort}/healthz`,
    processes: [],
  };
  writeState(state);

  try {
    const env = koiProcessEnv(state);

    const web = startWeb(state);
    state.processes.push(web);
    const worker = startNode("worker", workerDir, ["--import", "tsx", "src/main.ts"], env, logDir);
    state.processes.push(worker);
    writeState(state);

    // Any answer means the server is up; whether the page is right is for the specs to say.
    await waitForHttp(web, `${baseUrl}/`, { timeoutMs: 90_000, ready: () => true, logDir });
    await waitForHttp(worker, state.workerHealthUrl, { timeoutMs: 60_000, ready: (status) => status === 200, logDir });
  } catch (error) {
    await cleanUp(state);
    throw error;
  }

  // Playwright starts its test workers after global setup, with this environment.
  Object.assign(process.env, {
    KOI_E2E_BASE_URL: baseUrl,
    KOI_E2E_DATABASE_URL: state.databaseUrl,
    KOI_E2E_WORKER_HEALTH_URL: state.workerHealthUrl,
    // For @koi/db (factories in db.ts) inside the test workers.
    DATABASE_URL: state.databaseUrl,
    REDIS_URL: redisUrl,
    KOI_REDIS_PREFIX: state.redisPrefix,
  });
}
