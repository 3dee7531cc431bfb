import { z } from "zod";

const boolish = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
// How many proxies in front of Koi append to X-Forwarded-For. "false"/"true" are read as 0/1 so an
// older .env keeps its meaning.
const proxyHops = z
  .string()
  .regex(/^(true|false|\d{1,2})$/, "KOI_TRUST_PROXY is the number of trusted proxies (0 when none)")
  .transform((v) => (v === "true" ? 1 : v === "false" ? 0 : Number(v)));

/** Every environment variable Koi reads. `.env.example` documents each one. */
export const ZServerEnv = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: z.string().url(),
  REDIS_URL: z.string().url(),
  KOI_REDIS_PREFIX: z.string().min(1).default("koi"),
  APP_URL: z.string().url().default("http://localhost:3000"),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters"),
  AUTH_GITHUB_ID: z.string().optional(),
  AUTH_GITHUB_SECRET: z.string().optional(),
  AUTH_GOOGLE_ID: z.string().optional(),
  AUTH_GOOGLE_SECRET: z.string().optional(),
  KOI_OPEN_SIGNUP: boolish.default(false),
  KOI_TRUST_PROXY: proxyHops.default(0),
  KOI_WAITLIST_LIMIT_PER_HOUR: z.coerce.number().int().positive().default(5),
  KOI_AUTH_LIMIT_PER_15_MIN: z.coerce.number().int().positive().default(10),
  KOI_API_KEY_LIMIT_PER_MIN: z.coerce.number().int().positive().default(6000),
  // Planner time an organisation's plan previews may take per minute (they run on the web process).
  KOI_PLAN_PREVIEW_MS_PER_MIN: z.coerce.number().int().positive().default(6000),
  // How many times faster than real time engines may accrue GPU-seconds: 1 for real engines; the
  // simulated engines of the demo and the end-to-end tests run their clocks faster (agents/usage-plausibility.ts).
  KOI_USAGE_TIME_SCALE: z.coerce.number().positive().max(100_000).default(1),
  SMTP_URL: z.string().url().optional(),
  KOI_DEV_MAIL: boolish.default(false),
  MAIL_FROM: z.string().default("Koi <no-reply@koi.local>"),
  // Webhook hosts exempt from the public-address rule (SSRF guard), e.g. a relay on your own
  // network or a test receiver on localhost. Comma-separated host names.
  KOI_WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    ),
  KOI_WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  KOI_WORKER_HEALTH_HOST: z.string().min(1).default("127.0.0.1"),
  // Bearer token Prometheus sends to GET /api/metrics and the worker's /metrics. Unset in production:
  // both answer 404; unset elsewhere: open to loopback only.
  KOI_METRICS_TOKEN: z.string().min(16, "KOI_METRICS_TOKEN must be at least 16 characters").optional(),
  // Traces are exported by OTLP/HTTP only when this is set (e.g. http://localhost:4318).
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});
export type TServerEnv = z.infer<typeof ZServerEnv>;

/** Parses the environment once and fails with one message that names every missing or bad variable. */
export function parseEnv(source: NodeJS.ProcessEnv): TServerEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const result = ZServerEnv.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`).join("\n");
  throw new Error(`Koi cannot start: fix these environment variables (see .env.example):\n${problems}`);
}

let cached: TServerEnv | undefined;
export function env(): TServerEnv {
  cached ??= parseEnv(process.env);
  return cached;
}
