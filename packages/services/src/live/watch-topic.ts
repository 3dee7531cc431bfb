import { setTimeout as sleep } from "node:timers/promises";
import { livePagesOpen } from "@koi/core/metrics/koi-metrics";
import { liveChanges, RESYNC } from "./live-changes.ts";

/** A page refetches at most this often, however fast its rows change (a report writes several). */
export const LIVE_COALESCE_MS = 1_000;

export type TLiveChange = { topic: string; at: string };

/**
 * Yields once when it starts (the page may have missed changes before it subscribed) and then
 * after each committed change of `topic` in `orgId`, at most once per LIVE_COALESCE_MS, until
 * `signal` aborts. Only the topic is sent: the page refetches through its own authorised queries.
 */
export async function* watchTopic(orgId: string, topic: string, signal: AbortSignal): AsyncGenerator<TLiveChange> {
  let changed = true;
  let wake: (() => void) | null = null;
  const unsubscribe = liveChanges().subscribe(orgId, (t) => {
    if (t !== topic && t !== RESYNC) return;
    changed = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener("abort", onAbort, { once: true });
  const kind = topic.split(":")[0]!;
  livePagesOpen.inc({ topic: kind });
  try {
    while (!signal.aborted) {
      if (!changed) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        continue;
      }
      changed = false;
      yield { topic, at: new Date().toISOString() };
      await sleep(LIVE_COALESCE_MS, undefined, { signal }).catch(() => undefined);
    }
  } finally {
    unsubscribe();
    signal.removeEventListener("abort", onAbort);
    livePagesOpen.dec({ topic: kind });
  }
}
