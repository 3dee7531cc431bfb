import { Redis } from "ioredis";
import { dropDatabase } from "@koi/db/test-database";
import { stopProcess } from "./processes.ts";
import { removeState, type TE2eState } from "./state.ts";

/** Stops the run's processes, drops its database and deletes its Redis keys. Safe to repeat. */
export async function cleanUp(state: TE2eState, opts: { keepDatabase?: boolean } = {}): Promise<void> {
  await Promise.all(state.processes.map((p) => stopProcess(p)));
  if (!opts.keepDatabase)
    await dropDatabase(state.databaseUrl).catch((e) =>
      console.warn(`[e2e] could not drop ${state.databaseUrl}: ${e.message}`),
    );
  await deleteKeys(state.redisUrl, state.redisPrefix).catch((e) =>
    console.warn(`[e2e] could not clean Redis: ${e.message}`),
  );
  removeState(state.port);
}

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
