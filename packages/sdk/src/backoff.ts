/** Uniform in [0, 1); injected so tests can pin the jitter. */
export type TRandomSource = () => number;

export type TBackoffPolicy = { baseMs: number; capMs: number };
export const DEFAULT_BACKOFF: TBackoffPolicy = { baseMs: 500, capMs: 60_000 };

/**
 * "Full jitter" (AWS architecture blog): uniform in [0, min(cap, base·2^attempt)]. Spreads a fleet of
 * agents reconnecting after an outage instead of synchronising them. `attempt` counts from 0.
 */
export function fullJitterDelayMs(attempt: number, policy: TBackoffPolicy, random: TRandomSource): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** `Retry-After` as delta-seconds or an HTTP date; undefined when absent or unparsable. */
export function parseRetryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Wait before retrying: full jitter, but never less than the server's Retry-After (plus up to 10 %
 * so a fleet does not return in lockstep). A `Retry-After: 0` therefore cannot cause a hot loop.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: TBackoffPolicy,
  random: TRandomSource,
): number {
  const jitter = fullJitterDelayMs(attempt, policy, random);
  if (retryAfterMs === undefined) return jitter;
  return Math.max(retryAfterMs + Math.floor(random() * retryAfterMs * 0.1), jitter);
}

/** Next heartbeat: the server-chosen interval ± `jitter` (fraction), never below 1 s. */
export function heartbeatDelayMs(intervalSeconds: number, random: TRandomSource, jitter = 0.1): number {
  const factor = 1 - jitter + 2 * jitter * random();
  return Math.max(1000, Math.round(intervalSeconds * 1000 * factor));
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
