import { KoiAgent } from "../agent/koi-agent.ts";
import { createLogger } from "../logger.ts";
import { buildAdapters } from "./build-adapters.ts";
import { parseArgs, USAGE } from "./parse-args.ts";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

let config;
try {
  config = parseArgs(process.argv.slice(2), process.env);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}

const logger = createLogger(config.logLevel);
const agent = await KoiAgent.create({
  koiUrl: config.koiUrl,
  apiKey: config.apiKey,
  engine: config.engine,
  adapters: buildAdapters(config, logger),
  spoolDir: config.spoolDir,
  cluster: {
    name: config.clusterName,
    kind: config.clusterKind,
    provider: config.provider,
    ...(config.region ? { region: config.region } : {}),
  },
  reportIntervalSeconds: config.reportIntervalSeconds,
  machineShapes: config.machineShapes,
  logger,
});
const { webhookUrls } = await agent.start();
for (const url of webhookUrls) logger.info(`point Orca at this agent: KOI_SERVICE_URL=${url}`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info("stopping", { signal });
  void agent.stop().then(() => process.exit(0));
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
