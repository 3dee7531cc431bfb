import { prisma } from "@koi/db";

export type TTouchedAgent = {
  id: string;
  orgId: string;
  status: "ONLINE" | "DEGRADED" | "OFFLINE";
  inventoryHash: string | null;
  heartbeatIntervalSeconds: number;
  clusterId: string;
};

type TTouch = { orgId: string; agentId: string; at: Date; metrics: string | null };
type TWaiter = TTouch & { resolve: (agent: TTouchedAgent | null) => void; reject: (err: unknown) => void };

const MAX_BATCH = 500;
let waiting: TWaiter[] = [];
let writing = false;

/**
 * Marks an agent alive (lastHeartbeatAt, metrics) and returns its row, or null when no such agent
 * is in that org. Heartbeats arriving while a write is in flight are written together in the next
 * statement (group commit): under load one UPDATE serves hundreds of agents; when idle, a
 * heartbeat is written at once. Each caller's promise settles after its own row is committed, so
 * a heartbeat answered 200 is as visible as before.
 */
export function touchAgent(touch: TTouch): Promise<TTouchedAgent | null> {
  return new Promise((resolve, reject) => {
    waiting.push({ ...touch, resolve, reject });
    if (!writing) void writeBatches();
  });
}

async function writeBatches(): Promise<void> {
  writing = true;
  try {
    while (waiting.length) {
      const batch = waiting.slice(0, MAX_BATCH);
      waiting = waiting.slice(batch.length);
      await writeBatch(batch);
    }
  } finally {
    writing = false;
  }
}

async function writeBatch(batch: TWaiter[]): Promise<void> {
  // One row per agent, ending as writing them one by one in arrival order would: the last
  // heartbeat's time, and its metrics unless it had none (COALESCE keeps the earlier ones).
  const latest = new Map<string, TTouch>();
  for (const w of batch) {
    const key = `${w.orgId}\u0000${w.agentId}`;
    latest.set(key, { ...w, metrics: w.metrics ?? latest.get(key)?.metrics ?? null });
  }
  const rows = [...latest.values()];
  try {
    const touched = await prisma.$queryRaw<TTouchedAgent[]>`
      UPDATE "Agent" AS a
      SET "lastHeartbeatAt" = v.at, "updatedAt" = v.at, metrics = COALESCE(v.metrics::jsonb, a.metrics)
      FROM (
        SELECT id, "orgId", (at AT TIME ZONE 'UTC') AS at, metrics
        FROM unnest(${rows.map((r) => r.agentId)}::text[], ${rows.map((r) => r.orgId)}::text[],
                    ${rows.map((r) => r.at.toISOString())}::timestamptz[], ${rows.map((r) => r.metrics)}::text[])
          AS t(id, "orgId", at, metrics)
      ) AS v
      WHERE a.id = v.id AND a."orgId" = v."orgId"
      RETURNING a.id, a."orgId", a.status, a."inventoryHash", a."heartbeatIntervalSeconds", a."clusterId"`;
    const byKey = new Map(touched.map((t) => [`${t.orgId}\u0000${t.id}`, t]));
    for (const w of batch) w.resolve(byKey.get(`${w.orgId}\u0000${w.agentId}`) ?? null);
  } catch (err) {
    for (const w of batch) w.reject(err);
  }
}
