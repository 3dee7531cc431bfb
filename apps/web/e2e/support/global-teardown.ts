import { cleanUp } from "./clean-up.ts";
import { logDir, readState } from "./state.ts";

/** Undoes global setup. KOI_E2E_KEEP_DB=1 keeps the database to inspect after a failure. */
export default async function globalTeardown(): Promise<void> {
  const state = readState();
  if (!state) return;
  const keepDatabase = process.env.KOI_E2E_KEEP_DB === "1";
  await cleanUp(state, { keepDatabase });
  if (keepDatabase) console.log(`[e2e] kept the database: ${state.databaseUrl}`);
  console.log(`[e2e] server logs: ${logDir}`);
}
