import type { FullConfig } from "@playwright/test";
import { cleanUp } from "./clean-up.ts";
import { baseUrlOf, logDirOf, readState } from "./state.ts";

/** Undoes global setup. KOI_E2E_KEEP_DB=1 keeps the database to inspect after a failure. */
export default async function globalTeardown(config: FullConfig): Promise<void> {
  const { port } = baseUrlOf(config);
  const state = readState(port);
  // Only this runner's own run: never another one that took the port after a failed setup.
  if (!state || state.runnerPid !== process.pid) return;
  const keepDatabase = process.env.KOI_E2E_KEEP_DB === "1";
  await cleanUp(state, { keepDatabase });
  if (keepDatabase) console.log(`[e2e] kept the database: ${state.databaseUrl}`);
  console.log(`[e2e] server logs: ${logDirOf(port)}`);
}
