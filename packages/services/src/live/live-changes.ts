import { createListenClient } from "@koi/db/listen-client";
import { logger } from "@koi/core/logger";

/** Postgres channel the live triggers notify (migration 20261205150000_live_changes). */
const CHANNEL = "koi_live";
/** Sent to every listener after (re)connecting: changes made while no connection listened are unknown. */
export const RESYNC = "*";
const RECONNECT_AFTER_MS = 1_000;

type TListener = (topic: string) => void;

/**
 * One LISTEN connection per process, fanning the committed changes of each org out to the pages
 * open on this process. A lost connection is re-made every second; listeners are then told to
 * refetch (RESYNC), so a page is never left showing what changed during the gap.
 */
class LiveChanges {
  private client: ReturnType<typeof createListenClient> | null = null;
  private connecting: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;
  private listeners = new Map<string, Set<TListener>>();

  /** Calls `listener` with each topic that changed in `orgId`; returns the unsubscribe. */
  subscribe(orgId: string, listener: TListener): () => void {
    this.stopped = false;
    const set = this.listeners.get(orgId) ?? new Set();
    this.listeners.set(orgId, set);
    set.add(listener);
    void this.connect();
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(orgId) === set) this.listeners.delete(orgId);
    };
  }

  /** Resolves once this process listens (for tests: a change made after it is seen). */
  ready(): Promise<void> {
    return this.connect();
  }

  private connect(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = createListenClient();
    const lost = (err?: unknown) => {
      if (this.client !== client) return;
      this.client = null;
      client.removeAllListeners();
      client.end().catch(() => undefined);
      if (!this.stopped) {
        logger.warn({ err }, "live changes: LISTEN connection lost, reconnecting");
        this.scheduleReconnect();
      }
    };
    try {
      client.on("notification", (msg) => this.dispatch(msg.payload));
      client.on("error", lost);
      client.on("end", () => lost());
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
      if (this.stopped) return this.stop();
      for (const set of this.listeners.values()) for (const listener of set) listener(RESYNC);
    } catch (err) {
      client.removeAllListeners();
      client.end().catch(() => undefined);
      logger.warn({ err }, "live changes: could not LISTEN, retrying");
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.retry || this.stopped) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.listeners.size > 0) void this.connect();
    }, RECONNECT_AFTER_MS);
    this.retry.unref();
  }

  private dispatch(payload: string | undefined): void {
    let message: { o?: unknown; t?: unknown };
    try {
      message = JSON.parse(payload ?? "");
    } catch {
      return;
    }
    if (typeof message.o !== "string" || typeof message.t !== "string") return;
    const set = this.listeners.get(message.o);
    if (set) for (const listener of set) listener(message.t);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    this.client = null;
    client?.removeAllListeners();
    await client?.end().catch(() => undefined);
  }
}

// On globalThis: Next.js and Koi's server may each load this module; one connection serves both.
const holder = globalThis as unknown as { koiLiveChanges?: LiveChanges };
export function liveChanges(): LiveChanges {
  holder.koiLiveChanges ??= new LiveChanges();
  return holder.koiLiveChanges;
}
