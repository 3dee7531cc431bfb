import { readFileSync } from "node:fs";
import { z } from "zod";
import { ZMachineShape } from "@koi/contracts/agent/heartbeat";

const ZCommandLine = z
  .string()
  .min(1)
  .transform((s) => s.trim().split(/\s+/));

const ZTunaVariantObject = z.strictObject({
  gpuType: z.string().min(1),
  gpuCount: z.coerce.number().int().min(1).default(1),
  // Tuna's router takes http(s) spot URLs only (anything else is a 500 there).
  spotUrl: z.url({ protocol: /^https?$/ }),
  spotPricePerGpuHour: z.coerce.number().min(0).optional(),
  spotMaxReplicas: z.coerce.number().int().min(1).optional(),
});

/** `--tuna-variant L40S:1=http://controller:30002`: a spot service's GPU, GPUs per replica and URL. */
const ZTunaVariant = z.preprocess((value) => {
  if (typeof value !== "string") return value;
  const match = /^([^:=\s]+)(?::(\d+))?=(\S+)$/.exec(value);
  // Not GPU[:COUNT]=URL: left as it is, so the object schema says it is not a variant.
  return match ? { gpuType: match[1], spotUrl: match[3], ...(match[2] ? { gpuCount: match[2] } : {}) } : value;
}, ZTunaVariantObject);

const ZTuna = z
  .strictObject({
    url: z.string().url().optional(),
    apiKey: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    gpuType: z.string().min(1).default("L4"),
    gpuCount: z.coerce.number().int().min(1).default(1),
    serverlessProvider: z.string().min(1).default("modal"),
    spotPricePerGpuHour: z.coerce.number().min(0).optional(),
    onDemandPricePerGpuHour: z.coerce.number().min(0).optional(),
    serverlessPricePerGpuHour: z.coerce.number().min(0).optional(),
    serverlessWorkersMax: z.coerce.number().int().min(1).optional(),
    /** The router's serverless_auth_token, from KOI_TUNA_SERVERLESS_TOKEN (kept off the command line). */
    serverlessAuthToken: z.string().min(1).optional(),
    spotMaxReplicas: z.coerce.number().int().min(1).optional(),
    colocated: z.boolean().default(true),
    /**
     * Command that re-applies Tuna's scaling policy from a file, `{file}` where the path goes and
     * `{variant}` the GPU type of the spot service it is for (split on spaces).
     */
    scalingPolicyCommand: ZCommandLine.optional(),
    /**
     * Other SkyServe spot services (other GPU types) the router may be moved to: Koi switches the
     * service to the cheapest for the coming load.
     */
    variants: z.array(ZTunaVariant).max(8).default([]),
    /** Run once the router is moved to another spot service, `{variant}` and `{url}` filled in (e.g. to repoint replica_watcher.sh). */
    switchCommand: ZCommandLine.optional(),
  })
  .refine((t) => new Set([t.gpuType, ...t.variants.map((v) => v.gpuType)]).size === t.variants.length + 1, {
    error: "each Tuna spot service needs its own GPU type (--tuna-gpu and every --tuna-variant)",
    path: ["variants"],
  })
  // With several services the policy command must say which one a policy is for.
  .refine(
    (t) => !t.variants.length || !t.scalingPolicyCommand || t.scalingPolicyCommand.some((a) => a.includes("{variant}")),
    {
      error:
        "with --tuna-variant, --tuna-scaling-policy-command needs {variant} (the GPU type of the spot service the policy is for)",
      path: ["scalingPolicyCommand"],
    },
  );

export const ZAgentCliConfig = z.strictObject({
  koiUrl: z.string().url(),
  apiKey: z.string().min(1, { error: "--api-key (or KOI_API_KEY) is required" }),
  engine: z.enum(["orca", "tuna", "sim"]),
  engineUrl: z.string().url(),
  engineKey: z.string().min(1).optional(),
  spoolDir: z.string().min(1).default(".koi-agent"),
  webhookHost: z.string().default("127.0.0.1"),
  /** Port Orca's KOI_SERVICE_URL points at; null = no listener. */
  webhookPort: z.coerce.number().int().min(0).max(65535).nullable().default(8091),
  webhookPathPrefix: z.string().default(""),
  webhookSecret: z.string().min(1).optional(),
  clusterName: z.string().min(1).default("default"),
  clusterKind: z.enum(["cloud", "on-prem"]).default("cloud"),
  provider: z.string().min(1).default("aws"),
  region: z.string().min(1).optional(),
  reportIntervalSeconds: z.coerce.number().positive().default(15),
  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
  tuna: ZTuna.default(ZTuna.parse({})),
  /**
   * The machines this cluster's GPUs come in, by GPU type (e.g. {"L40S": {"instanceType":
   * "g6e.12xlarge"}}): reported with each pool of that GPU so Koi buys whole machines.
   */
  machineShapes: z.record(z.string().min(1), ZMachineShape).default({}),
});
export type TAgentCliConfig = z.infer<typeof ZAgentCliConfig>;

const FLAGS: Record<string, string> = {
  "--koi-url": "koiUrl",
  "--api-key": "apiKey",
  "--engine": "engine",
  "--engine-url": "engineUrl",
  "--engine-key": "engineKey",
  "--spool-dir": "spoolDir",
  "--webhook-host": "webhookHost",
  "--webhook-port": "webhookPort",
  "--webhook-path-prefix": "webhookPathPrefix",
  "--webhook-secret": "webhookSecret",
  "--cluster-name": "clusterName",
  "--cluster-kind": "clusterKind",
  "--provider": "provider",
  "--region": "region",
  "--report-interval": "reportIntervalSeconds",
  "--log-level": "logLevel",
  "--tuna-url": "tuna.url",
  "--tuna-key": "tuna.apiKey",
  "--tuna-model": "tuna.model",
  "--tuna-gpu": "tuna.gpuType",
  "--tuna-gpu-count": "tuna.gpuCount",
  "--tuna-serverless-provider": "tuna.serverlessProvider",
  "--tuna-spot-price": "tuna.spotPricePerGpuHour",
  "--tuna-on-demand-price": "tuna.onDemandPricePerGpuHour",
  "--tuna-serverless-price": "tuna.serverlessPricePerGpuHour",
  "--tuna-workers-max": "tuna.serverlessWorkersMax",
  "--tuna-spot-max-replicas": "tuna.spotMaxReplicas",
  "--tuna-scaling-policy-command": "tuna.scalingPolicyCommand",
  "--tuna-switch-command": "tuna.switchCommand",
};

export const USAGE = `koi-agent --koi-url URL --api-key KEY --engine orca|tuna|sim --engine-url URL [options]

  --engine-key KEY          Orca's ORCA_API_KEY / the Tuna router's API_KEY (env KOI_ENGINE_KEY)
  --spool-dir DIR           state and the on-disk spool (default .koi-agent)
  --webhook-port N|off      port Orca's KOI_SERVICE_URL points at (default 8091)
  --webhook-host H          listen address (default 127.0.0.1)
  --webhook-secret S        require it as the Basic-auth password (KOI_SERVICE_URL=http://orca:S@host:port;
                            env KOI_WEBHOOK_SECRET keeps it off the command line)
  --webhook-path-prefix P   path the webhook listener serves under (default none)
  --cluster-name/--cluster-kind/--provider/--region   how Koi labels this cluster
  --report-interval S       seconds between progress and usage reports (default 15)
  --tuna-url URL --tuna-key KEY   (engine sim) the simulated Tuna router
  --tuna-model ID            the model the Tuna deployment serves (tuna deploy --model); deploys of others are refused
  --tuna-gpu, --tuna-gpu-count, --tuna-serverless-provider   the deployment's GPU, GPUs per replica, serverless provider
  --tuna-spot-price, --tuna-on-demand-price, --tuna-serverless-price   $/GPU-hour (default: Koi's catalog)
  --tuna-workers-max N       serverless workers the provider allows
  env KOI_TUNA_SERVERLESS_TOKEN   the router's serverless_auth_token, to read the serverless endpoint's /metrics
  --tuna-spot-max-replicas N   most spot replicas Koi may ask SkyServe for (default 5)
  --tuna-not-colocated       the router runs on its own VM (Tuna bills it $0.04/h), not on the SkyServe controller
  --tuna-scaling-policy-command "CMD {variant} {file}"   how set_scaling reaches Tuna (re-applies a scaling-policy
                            file to the spot service on GPU {variant})
  --tuna-variant GPU[:N]=URL   another SkyServe spot service (GPU type, GPUs per replica, its endpoint) Koi may move
                            the router to; repeatable
  --tuna-switch-command "CMD {variant} {url}"   run after the router moves to another spot service (repoint
                            replica_watcher.sh); needed for variants on a real Tuna router
  --config FILE             JSON with the same settings (camelCase), flags win; "machineShapes":
                            {"L40S": {"instanceType": "g6e.12xlarge"}} tells Koi the machines per GPU type
  --log-level debug|info|warn|error`;

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, rest] = path.split(".", 2) as [string, string | undefined];
  if (rest === undefined) {
    target[head] = value;
    return;
  }
  const child = (target[head] ??= {}) as Record<string, unknown>;
  setPath(child, rest, value);
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): TAgentCliConfig {
  const raw: Record<string, unknown> = {};
  const configIndex = argv.indexOf("--config");
  if (configIndex >= 0)
    Object.assign(raw, JSON.parse(readFileSync(argv[configIndex + 1] ?? "", "utf8")) as Record<string, unknown>);
  if (env.KOI_API_KEY) raw.apiKey ??= env.KOI_API_KEY;
  if (env.KOI_ENGINE_KEY) raw.engineKey ??= env.KOI_ENGINE_KEY;
  if (env.KOI_WEBHOOK_SECRET) raw.webhookSecret ??= env.KOI_WEBHOOK_SECRET;
  if (env.KOI_TUNA_SERVERLESS_TOKEN)
    ((raw.tuna ??= {}) as Record<string, unknown>).serverlessAuthToken ??= env.KOI_TUNA_SERVERLESS_TOKEN;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === "--config") {
      i++;
      continue;
    }
    if (flag === "--tuna-variant") {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${flag} needs a value`);
      const tuna = (raw.tuna ??= {}) as { variants?: unknown[] };
      // Repeatable, and added to the config file's list.
      tuna.variants = [...(tuna.variants ?? []), value];
      continue;
    }
    if (flag === "--tuna-not-colocated") {
      setPath(raw, "tuna.colocated", false);
      continue;
    }
    const key = FLAGS[flag];
    if (!key) throw new Error(`unknown option ${flag}\n\n${USAGE}`);
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    setPath(raw, key, key === "webhookPort" && value === "off" ? null : value);
  }
  const parsed = ZAgentCliConfig.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("\n")}\n\n${USAGE}`,
    );
  return parsed.data;
}
