import type { TRandom } from "@koi/planner/random/seeded-random";

/*
 * Orca's webhook outbox (ENGINE_CONTRACTS A.1/A.2), kept in memory: dedup by event id, envelope
 * ahead of the payload, a publisher that every second POSTs up to 50 due rows one after another
 * (5 s timeout each), backoff min(2^(n-1), 30) s after the n-th failure, retry forever, no ordering.
 * Basic auth comes from the base URL's userinfo, as Python `requests` does.
 */

export const ORCA_EVENT_TYPE_BY_PATH: Readonly<Record<string, string>> = {
  "/job/config-attempted": "config_attempted",
  "/job/launch-heartbeat": "launch_heartbeat",
  "/job/launching": "launching",
  "/job/started": "job_started",
  "/job/launch-failed": "launch_failed",
  "/job/replica-failed": "replica_failed",
  "/job/complete": "job_complete",
};

export type TOutboxAttempt = { eventId: string; path: string; at: number; status: number | null };

type TRow = {
  eventId: string;
  path: string;
  body: Record<string, unknown>;
  attempts: number;
  nextAttemptAt: number;
  enqueuedAtReal: number;
};

export type TOrcaOutbox = {
  emit: (path: string, payload: Record<string, unknown>, dedupKey?: string) => void;
  pending: () => number;
  oldestUndeliveredAgeSeconds: () => number | null;
  /** Every delivery attempt, for tests and the sim's own log. */
  attempts: readonly TOutboxAttempt[];
  enabled: boolean;
  close: () => void;
};

export type TOutboxOptions = {
  koiServiceUrl: string | null;
  useOutbox: boolean;
  timeScale: number;
  random: TRandom;
  /** Simulated epoch seconds, used for `emitted_at`. */
  simNow: () => number;
  realNowMs?: () => number;
  fetchImpl?: typeof fetch;
  log?: (line: string) => void;
};

function target(base: string, path: string): { url: string; authorization?: string } {
  const full = `${base.replace(/\/+$/, "")}${path}`;
  const parsed = new URL(full);
  if (!parsed.username && !parsed.password) return { url: full };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = "";
  parsed.password = "";
  return { url: parsed.toString(), authorization: `Basic ${Buffer.from(credentials).toString("base64")}` };
}

function randomHex32(random: TRandom): string {
  let hex = "";
  for (let i = 0; i < 4; i++) hex += random.int(0, 0xffffffff).toString(16).padStart(8, "0");
  // Shaped like uuid4().hex: version nibble 4, variant 8–b.
  return `${hex.slice(0, 12)}4${hex.slice(13, 16)}${"89ab"[random.int(0, 3)]}${hex.slice(17)}`;
}

export function createOrcaOutbox(options: TOutboxOptions): TOrcaOutbox {
  const realNow = options.realNowMs ?? Date.now;
  const doFetch = options.fetchImpl ?? fetch;
  const log = options.log ?? (() => {});
  const rows = new Map<string, TRow>();
  const delivered = new Set<string>();
  const attempts: TOutboxAttempt[] = [];
  const enabled = options.koiServiceUrl !== null && options.koiServiceUrl !== "";
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let publishing = false;

  async function post(path: string, body: Record<string, unknown>): Promise<number | null> {
    const { url, authorization } = target(options.koiServiceUrl!, path);
    try {
      const response = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(5_000),
      });
      await response.arrayBuffer();
      return response.status;
    } catch (error) {
      log(`orca outbox: POST ${path} failed: ${(error as Error).message}`);
      return null;
    }
  }

  async function publishDue(): Promise<void> {
    if (publishing || closed) return;
    publishing = true;
    try {
      const now = realNow();
      const due = [...rows.values()]
        .filter((r) => r.nextAttemptAt <= now)
        .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
        .slice(0, 50);
      for (const row of due) {
        if (closed) return;
        const status = await post(row.path, row.body);
        attempts.push({ eventId: row.eventId, path: row.path, at: realNow(), status });
        if (status !== null && status >= 200 && status < 300) {
          rows.delete(row.eventId);
          delivered.add(row.eventId);
          continue;
        }
        row.attempts += 1;
        const backoffSeconds = Math.min(2 ** (row.attempts - 1), 30);
        row.nextAttemptAt = realNow() + backoffSeconds * 1000 * options.timeScale;
      }
    } finally {
      publishing = false;
    }
  }

  function schedule(): void {
    if (closed || !enabled || !options.useOutbox) return;
    timer = setTimeout(() => {
      void publishDue().finally(schedule);
    }, 1000 * options.timeScale);
    timer.unref?.();
  }
  schedule();

  return {
    enabled,
    attempts,
    emit(path, payload, dedupKey) {
      if (!enabled || closed) return;
      if (!options.useOutbox) {
        // Rollback path: raw payload, one try, errors only logged.
        void post(path, payload).then((status) =>
          attempts.push({ eventId: dedupKey ?? "", path, at: realNow(), status }),
        );
        return;
      }
      const eventId = dedupKey ?? randomHex32(options.random);
      if (rows.has(eventId) || delivered.has(eventId)) return;
      const body = {
        event_id: eventId,
        event_type: ORCA_EVENT_TYPE_BY_PATH[path] ?? path,
        emitted_at: options.simNow(),
        correlation_id: null,
        ...payload,
      };
      rows.set(eventId, { eventId, path, body, attempts: 0, nextAttemptAt: realNow(), enqueuedAtReal: realNow() });
    },
    pending: () => rows.size,
    oldestUndeliveredAgeSeconds: () => {
      const oldest = Math.min(...[...rows.values()].map((r) => r.enqueuedAtReal));
      return Number.isFinite(oldest) ? (realNow() - oldest) / 1000 : null;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
