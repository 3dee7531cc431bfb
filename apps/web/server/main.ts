/**
 * Starts Koi's web app: Next.js behind Koi's own HTTP server (koi-server.ts), which fixes the
 * client address and the request limits, and answers agents' heartbeats itself (heartbeat-path.ts).
 * `npm run start -w @koi/web` runs the production build;
 * `--dev` runs `next dev` behind the same server.
 *
 *   node --import tsx server/main.ts [--port 3000] [--hostname 127.0.0.1] [--dev]
 *
 * PORT and HOST are read when the flags are absent. The default host is loopback: a deployment
 * that others reach (a container, a VM behind a proxy) says HOST=0.0.0.0 on purpose.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import next from "next";
import { env } from "@koi/core/env";
import { logger } from "@koi/core/logger";
import { POST as heartbeat } from "../src/app/api/v1/agents/[agentId]/heartbeat/route.ts";
import { withHeartbeatPath } from "./heartbeat-path.ts";
import { createKoiServer } from "./koi-server.ts";

const { values } = parseArgs({
  options: { port: { type: "string" }, hostname: { type: "string" }, dev: { type: "boolean", default: false } },
});
const port = Number(values.port ?? process.env.PORT ?? 3000);
const hostname = values.hostname ?? process.env.HOST ?? "127.0.0.1";
const trustedHops = env().KOI_TRUST_PROXY;

const app = next({
  dev: values.dev,
  dir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), ".."),
  hostname,
  port,
});
await app.prepare();
const server = createKoiServer(withHeartbeatPath(app.getRequestHandler(), heartbeat), { trustedHops });
// Thousands of agents reconnect their long-polls at once after a restart; Node's default backlog (511)
// refuses connections past it before they are accepted.
server.listen(port, hostname, 4096, () => {
  logger.info({ port, hostname, trustedHops, dev: values.dev }, `web app listening on http://${hostname}:${port}`);
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    // Long-polls end on their own within their timeout; do not wait longer than that.
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
