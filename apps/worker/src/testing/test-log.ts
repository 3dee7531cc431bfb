import { logger } from "@koi/core/logger";

/** Tests log errors only; expected warnings (retries, republishing) would drown the output. */
export const testLog = logger.child({ test: true }, { level: process.env.LOG_LEVEL ?? "error" });
