import type { TE2eState } from "./state.ts";

/**
 * The environment of the run's web app and worker. Settings that make specs deterministic:
 * KOI_TRUST_PROXY=1 (one trusted proxy) so each spec can send its own X-Forwarded-For (see ip.ts) and never trips
 * another spec's rate limit; KOI_WAITLIST_LIMIT_PER_HOUR=5 so that limit is quick to reach;
 * SMTP_URL unset so mail is stored in the database (read by mail.ts).
 */
export function koiProcessEnv(state: TE2eState): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: state.databaseUrl,
    REDIS_URL: state.redisUrl,
    KOI_REDIS_PREFIX: state.redisPrefix,
    APP_URL: state.baseUrl,
    AUTH_SECRET: process.env.AUTH_SECRET ?? "e2e-secret-not-for-production-0123456789abcdef",
    KOI_OPEN_SIGNUP: "false",
    KOI_TRUST_PROXY: "1",
    KOI_WAITLIST_LIMIT_PER_HOUR: "5",
    KOI_AUTH_LIMIT_PER_15_MIN: "10",
    KOI_WORKER_HEALTH_PORT: new URL(state.workerHealthUrl).port,
    // The notifications spec saves this host; the sandbox has no DNS to resolve it.
    KOI_WEBHOOK_ALLOWED_HOSTS: "hooks.example.com",
    // The specs' simulated engines run up to 60 times faster than real time, and bill as fast.
    KOI_USAGE_TIME_SCALE: "100",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
  };
  // Whatever a developer's shell carries must not change what the specs see.
  for (const name of [
    "SMTP_URL",
    "PORT",
    "AUTH_URL",
    "AUTH_GITHUB_ID",
    "AUTH_GITHUB_SECRET",
    "AUTH_GOOGLE_ID",
    "AUTH_GOOGLE_SECRET",
    "KOI_DEV_MAIL",
  ])
    delete env[name];
  return env;
}
