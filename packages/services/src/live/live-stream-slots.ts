import { AppError } from "@koi/core/app-error";
import { watchTopic, type TLiveChange } from "./watch-topic.ts";

/**
 * Live streams one member may hold open in one web process. Each stream keeps a socket and a
 * subscriber for minutes, so without a bound one session could open thousands; a dozen covers the
 * pages a person keeps open in tabs.
 */
export const MAX_LIVE_STREAMS_PER_MEMBER = 12;

const open = new Map<string, number>();

/**
 * Takes one of `userId`'s stream slots, or throws RATE_LIMITED when every one is held. Call the
 * result to give the slot back; calling it again does nothing.
 */
export function takeLiveStreamSlot(userId: string): () => void {
  const held = open.get(userId) ?? 0;
  if (held >= MAX_LIVE_STREAMS_PER_MEMBER)
    throw new AppError(
      "RATE_LIMITED",
      `At most ${MAX_LIVE_STREAMS_PER_MEMBER} live pages at once per member: close a tab or two.`,
      { retryAfterSeconds: 60 },
    );
  open.set(userId, held + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (open.get(userId) ?? 1) - 1;
    if (left > 0) open.set(userId, left);
    else open.delete(userId);
  };
}

/**
 * `watchTopic` for one member, inside their stream slots. The slot is taken before the stream
 * starts (a refused stream gets the error, not an empty stream) and given back when it ends or
 * its request is aborted, whichever comes first.
 */
export function openLiveStream(
  userId: string,
  orgId: string,
  topic: string,
  signal: AbortSignal,
): AsyncGenerator<TLiveChange> {
  const release = takeLiveStreamSlot(userId);
  signal.addEventListener("abort", release, { once: true });
  return (async function* () {
    try {
      yield* watchTopic(orgId, topic, signal);
    } finally {
      release();
      signal.removeEventListener("abort", release);
    }
  })();
}
