import { createRandom } from "@koi/planner/random/seeded-random";
import { parseSimConfig, type TSimConfig, type TSimConfigInput } from "./config.ts";
import { startServer } from "./http-kit.ts";
import { createSimClock, type TSimClock } from "./sim-clock.ts";
import { createOrcaHandler } from "./orca/orca-http.ts";
import { OrcaEngine } from "./orca/orca-engine.ts";
import { createOrcaOutbox } from "./orca/orca-outbox.ts";
import { TunaBackends } from "./tuna/tuna-backends.ts";
import { createTunaHandler } from "./tuna/tuna-http.ts";
import { TunaDailyLoad } from "./tuna/tuna-daily-load.ts";
import { TunaRouter } from "./tuna/tuna-router.ts";

export type TEngineSim = {
  config: TSimConfig;
  clock: TSimClock;
  orcaUrl: string;
  tunaUrl: string;
  orca: OrcaEngine;
  tuna: { router: TunaRouter; backends: TunaBackends; dailyLoad: TunaDailyLoad | null };
  close: () => Promise<void>;
};

/**
 * Starts the simulated Orca and Tuna servers. Everything random comes from `config.seed`; the
 * simulation advances on a real-time tick (`tickMs`) and on every request.
 */
export async function startEngineSim(
  input: TSimConfigInput | TSimConfig = {},
  options: { log?: (line: string) => void } = {},
): Promise<TEngineSim> {
  const config = parseSimConfig(input);
  const log = options.log ?? (() => {});
  const clock = createSimClock(config.speed);
  const random = createRandom(config.seed);

  const outbox = createOrcaOutbox({
    koiServiceUrl: config.orca.koiServiceUrl,
    useOutbox: config.orca.outbox,
    timeScale: config.orca.outboxTimeScale,
    random: random.fork("event-ids"),
    simNow: clock.now,
    log,
  });
  const orca = new OrcaEngine(config.orca, random.fork("orca"), outbox, clock.now());
  const orcaServer = await startServer(
    createOrcaHandler(orca, { apiKey: config.orca.apiKey, simNow: clock.now }),
    config.orcaPort,
    config.host,
  );

  // The Tuna port must be known before the router can point at its own simulated backends.
  let handler: ReturnType<typeof createTunaHandler> | null = null;
  const tunaServer = await startServer((req, res) => handler!(req, res), config.tunaPort, config.host);
  const backends = new TunaBackends(config.tuna, clock, random.fork("tuna"), {
    tunaUrl: tunaServer.url,
    spotUrl: (): string => router.spotUrl,
  });
  const router: TunaRouter = new TunaRouter(config.tuna, clock, {
    serverlessUrl: config.tuna.serverlessUrl ?? `${tunaServer.url}/_sim/serverless`,
    spotUrl: config.tuna.spotUrl ?? backends.ownSpot.baseUrl,
  });
  handler = createTunaHandler(router, backends, {
    apiKey: config.tuna.apiKey,
    apiKeyHeader: config.tuna.apiKeyHeader,
    allowHealthNoAuth: config.tuna.allowHealthNoAuth,
  });

  const dailyLoad = config.tuna.dailyLoad
    ? new TunaDailyLoad(config.tuna.dailyLoad, router, backends, random.fork("tuna-daily-load"), clock.now())
    : null;
  let watched = { service: backends.activeSpot(), ready: 0 };
  const tick = setInterval(() => {
    const now = clock.now();
    orca.advanceTo(now);
    dailyLoad?.advance(now);
    for (const service of backends.spotServices) service.pool.autoscale(now);
    // replica_watcher.sh: the controller pushes SkyServe's READY count to the router (here when it
    // changes). The real script watches the one service it was started for; when Koi switches GPU
    // type it runs an operator command to repoint it, so this models the repointed watcher: it
    // follows whichever service the router's spot URL names.
    const service = backends.activeSpot();
    const ready = service.pool.ready(now);
    if (ready !== watched.ready || service !== watched.service) router.setSpotReplicas(ready);
    watched = { service, ready };
  }, config.tickMs);
  tick.unref?.();

  let load: NodeJS.Timeout | null = null;
  if (config.tuna.syntheticRequestsPerSecond > 0) {
    const arrivals = random.fork("tuna-load");
    const next = () => {
      load = setTimeout(
        () => {
          const headers: Record<string, string> = {
            "content-type": "application/json",
            ...(config.tuna.apiKey ? { "x-api-key": config.tuna.apiKey } : {}),
          };
          void fetch(`${tunaServer.url}/v1/completions`, {
            method: "POST",
            headers,
            body: JSON.stringify({
              model: config.tuna.model,
              prompt: "Hello from the load generator",
              max_tokens: arrivals.int(16, 256),
            }),
          })
            .then((r) => r.arrayBuffer())
            .catch((error: unknown) => log(`tuna load: ${(error as Error).message}`));
          next();
        },
        clock.realMs(arrivals.exponential(config.tuna.syntheticRequestsPerSecond)),
      );
      load.unref?.();
    };
    next();
  }

  return {
    config,
    clock,
    orcaUrl: orcaServer.url,
    tunaUrl: tunaServer.url,
    orca,
    tuna: { router, backends, dailyLoad },
    async close() {
      clearInterval(tick);
      if (load) clearTimeout(load);
      outbox.close();
      router.close();
      await Promise.all([orcaServer.close(), tunaServer.close()]);
    },
  };
}
