import { readFileSync } from "node:fs";
import { z } from "zod";
import { ZTunaScalingPolicy } from "@koi/contracts";

const range = z
  .tuple([z.number().min(0), z.number().min(0)])
  .refine(([a, b]) => a <= b, { error: "range must be [min, max]" });

export const ZSimPool = z.strictObject({
  /** Orca GPU name: H100, A100, L40S, L4, A10G. */
  gpuType: z.enum(["H100", "A100", "L40S", "L4", "A10G"]),
  market: z.enum(["spot", "on_demand"]),
  /** GPUs of quota in this region and market. */
  gpus: z.number().int().min(0).max(100_000),
  /** USD per GPU-hour; omitted = the planner's catalog price. */
  pricePerGpuHour: z.number().min(0).optional(),
});

export const ZSimCluster = z.strictObject({
  name: z.string().min(1),
  region: z.string().min(1),
  pools: z.array(ZSimPool).min(1),
});

export const ZOrcaSimConfig = z.strictObject({
  /** ORCA_API_KEY: when set, scale/kill/swap/chunks-progress need `Authorization: Bearer`. */
  apiKey: z.string().min(1).nullable().default(null),
  /** KOI_SERVICE_URL: where webhooks go; null = no events at all, like real Orca. */
  koiServiceUrl: z.string().url().nullable().default(null),
  /** false = the rollback path (ORCA_OUTBOX_DB_PATH=""): one POST, no retry, no envelope. */
  outbox: z.boolean().default(true),
  /** Multiplies the outbox's real-time waits (1 s poll, 1–30 s backoff); tests shrink it. */
  outboxTimeScale: z.number().positive().default(1),
  clusters: z
    .array(ZSimCluster)
    .min(1)
    .default([
      {
        name: "aws-us-east-1",
        region: "us-east-1",
        pools: [
          { gpuType: "H100", market: "on_demand", gpus: 16 },
          { gpuType: "H100", market: "spot", gpus: 16 },
          { gpuType: "A100", market: "on_demand", gpus: 16 },
          { gpuType: "A100", market: "spot", gpus: 32 },
          { gpuType: "L40S", market: "spot", gpus: 32 },
          { gpuType: "L4", market: "on_demand", gpus: 16 },
          { gpuType: "A10G", market: "spot", gpus: 16 },
        ],
      },
    ]),
  searchSeconds: range.default([10, 60]),
  provisionSeconds: range.default([300, 900]),
  modelLoadSeconds: range.default([120, 300]),
  /** Chance that one config attempt finds no capacity. */
  launchFailureRate: z.number().min(0).max(1).default(0.05),
  spotPreemptionPerHour: z.number().min(0).default(0.05),
  replicaCrashPerHour: z.number().min(0).default(0.005),
  /** Log-normal sigma of each replica's throughput around the planner's prediction. */
  throughputNoise: z.number().min(0).max(1).default(0.08),
  /**
   * Multiplies every replica's throughput: below 1 the cluster runs slower than the perf model
   * predicts (the demo uses it so the forecaster sees a job fall behind and Koi scales it up).
   */
  throughputFactor: z.number().positive().max(10).default(1),
  quirks: z
    .strictObject({
      /** A killed or finished replica emits replica-failed clean_exit_pending_chunks while chunks remain (A.4). */
      cleanExitPendingChunks: z.boolean().default(true),
      /** Aggregated tok/s keeps the last values of removed replicas (C.3). */
      inflatedMetricsAfterKill: z.boolean().default(true),
    })
    .default({ cleanExitPendingChunks: true, inflatedMetricsAfterKill: true }),
});
export type TOrcaSimConfig = z.infer<typeof ZOrcaSimConfig>;

const tunaSimFields = z.strictObject({
  /** Router API_KEY (in `apiKeyHeader` or as Bearer); null = open. */
  apiKey: z.string().min(1).nullable().default(null),
  /** Tuna's API_KEY_HEADER: the header the key may come in besides `Authorization: Bearer`. */
  apiKeyHeader: z.string().min(1).default("x-api-key"),
  allowHealthNoAuth: z.boolean().default(false),
  model: z.string().min(1).default("meta-llama/Llama-3.1-8B-Instruct"),
  /** Planner GPU name of the spot and serverless workers. */
  gpuType: z.string().min(1).default("L4"),
  gpuCount: z.number().int().min(1).default(1),
  /**
   * SkyServe spot services on other GPU types beside the deployment's own, served at
   * /_sim/skyserve/<gpuType>: the variants Koi switches the router's spot_url between.
   */
  spotServices: z
    .array(z.strictObject({ gpuType: z.string().min(1), gpuCount: z.number().int().min(1).default(1) }))
    .default([]),
  /** Backends; null = the simulator's own spot/serverless backends on the router port. */
  serverlessUrl: z.string().url().nullable().default(null),
  spotUrl: z.string().url().nullable().default(null),
  spotProvisionSeconds: z.number().min(0).default(300),
  spotPreemptionPerHour: z.number().min(0).default(0.2),
  serverlessColdStartSeconds: z.number().min(0).default(30),
  serverlessScaledownWindowSeconds: z.number().min(0).default(60),
  /** spot.upscale_delay: warm-up poke interval. */
  upscaleDelaySeconds: z.number().positive().default(5),
  /** spot.downscale_delay: router idle timeout and SkyServe scale-down delay. */
  downscaleDelaySeconds: z.number().positive().default(60),
  warmupTimeoutSeconds: z.number().positive().default(1200),
  maxConcurrentRequests: z.number().int().min(1).default(100),
  /**
   * The unit of `gpu_seconds_*`: nanoseconds, as Tuna's FastAPI router (meta_lb.py) really sums
   * them (`time.perf_counter_ns()` differences), so the demo and the tests read what a real router
   * sends; or seconds, as Tuna documents them.
   */
  gpuSecondsUnit: z.enum(["seconds", "nanoseconds"]).default("nanoseconds"),
  /** In-process Poisson load through the router (requests per simulated second); 0 = none. */
  syntheticRequestsPerSecond: z.number().min(0).default(0),
  /**
   * A day of chat traffic served inside the simulator (not over HTTP, so a compressed day stays
   * cheap): Poisson arrivals at a rate that follows a cosine from `troughRps` to `peakRps` at
   * `peakHour`, the curve starting at `startHour` when the simulator starts.
   */
  dailyLoad: z
    .strictObject({
      peakRps: z.number().positive().max(10_000),
      troughRps: z.number().min(0).max(10_000),
      peakHour: z.number().min(0).max(24).default(14),
      startHour: z.number().min(0).max(24).default(20),
      avgInputTokens: z.number().int().min(1).max(1_000_000).default(800),
      avgOutputTokens: z.number().int().min(1).max(100_000).default(200),
    })
    .refine((d) => d.troughRps <= d.peakRps, { error: "troughRps must be <= peakRps" })
    .nullable()
    .default(null),
  /**
   * Tuna's scaling policy at start; null = `tuna deploy`'s defaults (spot 0–5 replicas at 10 QPS,
   * serverless concurrency 32 on one worker) with the delays above.
   */
  scalingPolicy: ZTunaScalingPolicy.nullable().default(null),
});

export const ZTunaSimConfig = tunaSimFields
  .refine((t) => new Set(t.spotServices.map((s) => s.gpuType)).size === t.spotServices.length, {
    error: "each gpuType may appear only once",
    path: ["spotServices"],
  })
  .refine((t) => t.spotServices.every((s) => s.gpuType !== t.gpuType), {
    error: "must not list the deployment's own gpuType (tuna.gpuType), which /_sim/spot serves already",
    path: ["spotServices"],
  });
export type TTunaSimConfig = z.infer<typeof ZTunaSimConfig>;

export const ZSimConfig = z.strictObject({
  seed: z.number().int().default(1),
  speed: z.number().positive().max(1_000_000).default(60),
  host: z.string().default("127.0.0.1"),
  orcaPort: z.number().int().min(0).max(65535).default(26336),
  tunaPort: z.number().int().min(0).max(65535).default(8080),
  /** Real milliseconds between simulation ticks (webhooks and timers fire on ticks). */
  tickMs: z.number().int().min(5).max(10_000).default(200),
  orca: ZOrcaSimConfig.default(ZOrcaSimConfig.parse({})),
  tuna: ZTunaSimConfig.default(ZTunaSimConfig.parse({})),
});
export type TSimConfig = z.infer<typeof ZSimConfig>;
export type TSimConfigInput = z.input<typeof ZSimConfig>;

export function parseSimConfig(input: unknown): TSimConfig {
  const result = ZSimConfig.safeParse(input);
  if (!result.success) {
    throw new Error(
      `invalid engine-sim config: ${result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    );
  }
  return result.data;
}

const FLAGS: Record<string, (config: Record<string, unknown>, value: string) => void> = {
  "--orca-port": (c, v) => (c.orcaPort = Number(v)),
  "--tuna-port": (c, v) => (c.tunaPort = Number(v)),
  "--speed": (c, v) => (c.speed = Number(v)),
  "--seed": (c, v) => (c.seed = Number(v)),
  "--host": (c, v) => (c.host = v),
  "--tick-ms": (c, v) => (c.tickMs = Number(v)),
  "--koi-service-url": (c, v) => (section(c, "orca").koiServiceUrl = v),
  "--orca-api-key": (c, v) => (section(c, "orca").apiKey = v),
  "--tuna-api-key": (c, v) => (section(c, "tuna").apiKey = v),
  "--tuna-rps": (c, v) => (section(c, "tuna").syntheticRequestsPerSecond = Number(v)),
  "--spot-preemption-per-hour": (c, v) => {
    section(c, "orca").spotPreemptionPerHour = Number(v);
    section(c, "tuna").spotPreemptionPerHour = Number(v);
  },
};

function section(config: Record<string, unknown>, name: "orca" | "tuna"): Record<string, unknown> {
  const existing = config[name];
  if (existing && typeof existing === "object") return existing as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  config[name] = created;
  return created;
}

/**
 * `--config file.json` first, then flags on top; env KOI_SERVICE_URL / ORCA_API_KEY / API_KEY are
 * honoured as the real engines read them.
 */
export function configFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): TSimConfig {
  const config: Record<string, unknown> = {};
  const configIndex = argv.indexOf("--config");
  if (configIndex >= 0) {
    const file = argv[configIndex + 1];
    if (!file) throw new Error("--config needs a file");
    Object.assign(config, JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>);
  }
  if (env.KOI_SERVICE_URL) section(config, "orca").koiServiceUrl ??= env.KOI_SERVICE_URL;
  if (env.ORCA_API_KEY) section(config, "orca").apiKey ??= env.ORCA_API_KEY;
  if (env.API_KEY) section(config, "tuna").apiKey ??= env.API_KEY;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === "--config") {
      i++;
      continue;
    }
    const apply = FLAGS[flag];
    if (!apply) throw new Error(`unknown flag ${flag}; known: --config ${Object.keys(FLAGS).join(" ")}`);
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    apply(config, value);
  }
  return parseSimConfig(config);
}
