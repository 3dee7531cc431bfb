import { configFromArgs } from "./config.ts";
import { startEngineSim } from "./start-engine-sim.ts";
import { SIM_USAGE } from "./usage.ts";

// `npm run start -w @koi/engine-sim -- --orca-port 26336 --tuna-port 8080 --speed 60 --seed 1`
const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  process.stdout.write(SIM_USAGE);
  process.exit(0);
}

try {
  const config = configFromArgs(argv);
  const sim = await startEngineSim(config, { log });
  log(
    `engine-sim: Orca on ${sim.orcaUrl}, Tuna router on ${sim.tunaUrl} (speed ×${config.speed}, seed ${config.seed})`,
  );
  log(
    config.orca.koiServiceUrl
      ? `engine-sim: Orca webhooks → ${config.orca.koiServiceUrl.replace(/\/\/[^@/]*@/, "//***@")}`
      : "engine-sim: KOI_SERVICE_URL unset, Orca emits no webhooks (like real Orca)",
  );
  const stop = () => {
    log("engine-sim: shutting down");
    void sim.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  log((error as Error).message);
  process.exit(2);
}
