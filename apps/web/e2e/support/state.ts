import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Where the e2e run keeps its state and logs (`.koi/` is git-ignored). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
export const webDir = path.join(repoRoot, "apps/web");
export const workerDir = path.join(repoRoot, "apps/worker");
export const e2eDir = path.join(repoRoot, ".koi/e2e");
export const logDir = path.join(e2eDir, "logs");
const stateFile = path.join(e2eDir, "state.json");

export type TE2eProcess = { name: string; pid: number };

/** What global setup started, so teardown (or the next run, after a crash) can undo it. */
export type TE2eState = {
  baseUrl: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  workerHealthUrl: string;
  processes: TE2eProcess[];
};

export function readState(): TE2eState | null {
  if (!fs.existsSync(stateFile)) return null;
  return JSON.parse(fs.readFileSync(stateFile, "utf8")) as TE2eState;
}

export function writeState(state: TE2eState): void {
  fs.mkdirSync(e2eDir, { recursive: true });
  fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
}

export function removeState(): void {
  fs.rmSync(stateFile, { force: true });
}

/** The run's addresses, for specs and helpers (global setup exports them to every worker). */
export function e2eEnv() {
  const databaseUrl = process.env.KOI_E2E_DATABASE_URL;
  const baseUrl = process.env.KOI_E2E_BASE_URL;
  if (!databaseUrl || !baseUrl) {
    throw new Error("the e2e environment is not set up: run the specs with `npm run e2e` (global setup starts Koi)");
  }
  return { databaseUrl, baseUrl, workerHealthUrl: process.env.KOI_E2E_WORKER_HEALTH_URL ?? "" };
}
