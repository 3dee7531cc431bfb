import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FullConfig } from "@playwright/test";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
export const webDir = path.join(repoRoot, "apps/web");
export const workerDir = path.join(repoRoot, "apps/worker");

/**
 * Each run is keyed by its web port (two runs cannot share one), so runs on different ports in the
 * same checkout never touch each other's servers, databases or logs. `.koi/` is git-ignored.
 */
function runDir(port: number): string {
  return path.join(repoRoot, ".koi/e2e", String(port));
}
export const logDirOf = (port: number) => path.join(runDir(port), "logs");
const stateFileOf = (port: number) => path.join(runDir(port), "state.json");

export function baseUrlOf(config: FullConfig): { baseUrl: string; port: number } {
  const baseUrl = config.projects[0]?.use.baseURL ?? "http://localhost:3000";
  return { baseUrl, port: Number(new URL(baseUrl).port || 80) };
}

export type TE2eProcess = { name: string; pid: number };

/** What global setup started, so teardown (or the next run, after a crash) can undo it. */
export type TE2eState = {
  port: number;
  /** The Playwright runner that owns this run. */
  runnerPid: number;
  baseUrl: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  workerHealthUrl: string;
  processes: TE2eProcess[];
};

export function readState(port: number): TE2eState | null {
  const file = stateFileOf(port);
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, "utf8")) as TE2eState;
}

export function writeState(state: TE2eState): void {
  fs.mkdirSync(runDir(state.port), { recursive: true });
  fs.writeFileSync(stateFileOf(state.port), JSON.stringify(state, null, 2));
}

export function removeState(port: number): void {
  fs.rmSync(stateFileOf(port), { force: true });
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
