import pino from "pino";

/** JSON logs; each request gets a child logger with requestId, orgId, userId, apiKeyId. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "warn" : "info"),
  base: { service: process.env.KOI_SERVICE_NAME ?? "koi" },
  redact: {
    paths: ["password", "*.password", "token", "*.token", "authorization", "*.authorization"],
    censor: "[redacted]",
  },
});

export type Logger = typeof logger;
