import { databaseCopy } from "../packages/db/src/test-database.ts";

/**
 * Integration files run two at a time. Each vitest worker gets its own copy of the run's migrated
 * database and its own Redis key prefix, so two files at once never share rows, queues or sweeps,
 * as when they ran one after the other. This runs before each file is imported, and the clients
 * read these variables on first use.
 */
const template = process.env.KOI_IT_TEMPLATE_DATABASE_URL;
const prefix = process.env.KOI_IT_REDIS_PREFIX;
if (!template || !prefix) throw new Error("tests/integration-global-setup.ts did not run");
const worker = `w${process.env.VITEST_POOL_ID ?? "1"}`;
process.env.DATABASE_URL = await databaseCopy(template, worker);
process.env.KOI_REDIS_PREFIX = `${prefix}-${worker}`;
