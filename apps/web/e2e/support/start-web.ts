import { koiProcessEnv } from "./koi-env.ts";
import { startNode } from "./processes.ts";
import { logDirOf, webDir, type TE2eProcess, type TE2eState } from "./state.ts";

/**
 * Koi's own web server (apps/web/server/main.ts) on the run's port. Global setup and a spec's
 * restart both start it here: `next start` alone would skip the server's client-address handling,
 * so after a restart every request would share one address and one rate limit.
 */
export function startWeb(state: TE2eState): TE2eProcess {
  return startNode(
    "web",
    webDir,
    ["--import", "tsx", "server/main.ts", "--port", String(state.port)],
    koiProcessEnv(state),
    logDirOf(state.port),
  );
}
