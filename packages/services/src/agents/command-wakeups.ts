import type { Redis } from "ioredis";
import { createRedis, getRedis, redisKey } from "@koi/core/redis";
import { logger } from "@koi/core/logger";

/** The Redis channel a written command is announced on (the agent id as the message). */
export const commandWakeupChannel = () => redisKey("agent-commands");

/**
 * One Redis subscription per process fans "a command was written for agent X" out to that
 * process's waiting long-polls, so an idle poll costs a promise, not a connection.
 */
class CommandWakeups {
  private subscriber: Redis | null = null;
  private ready: Promise<void> | null = null;
  private waiters = new Map<string, Set<() => void>>();

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const sub = createRedis({ maxRetriesPerRequest: null });
    this.subscriber = sub;
    sub.on("message", (_channel, agentId: string) => this.wake(agentId));
    sub.on("error", (err) => logger.warn({ err }, "command wake-up subscriber error"));
    // A subscription that fails (an error reply; outages are waited out) is made afresh by the next
    // wait, instead of leaving every later wait of the process to reject.
    this.ready = sub.subscribe(commandWakeupChannel()).then(
      () => undefined,
      (err: unknown) => {
        if (this.subscriber === sub) {
          this.subscriber = null;
          this.ready = null;
        }
        sub.disconnect();
        throw err;
      },
    );
    return this.ready;
  }

  private wake(agentId: string): void {
    const set = this.waiters.get(agentId);
    if (!set) return;
    this.waiters.delete(agentId);
    for (const resolve of set) resolve();
  }

  /**
   * Resolves when a wake-up for `agentId` arrives (true), or after `ms` or when `signal` aborts
   * (false).
   */
  async wait(agentId: string, ms: number, signal?: AbortSignal): Promise<boolean> {
    await this.start();
    return new Promise<boolean>((resolve) => {
      const set = this.waiters.get(agentId) ?? new Set();
      this.waiters.set(agentId, set);
      const finish = (woken: boolean) => {
        clearTimeout(timer);
        set.delete(wake);
        signal?.removeEventListener("abort", quiet);
        if (set.size === 0 && this.waiters.get(agentId) === set) this.waiters.delete(agentId);
        resolve(woken);
      };
      const wake = () => finish(true);
      const quiet = () => finish(false);
      const timer = setTimeout(quiet, ms);
      set.add(wake);
      signal?.addEventListener("abort", quiet, { once: true });
    });
  }

  get waiting(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }

  async stop(): Promise<void> {
    for (const id of [...this.waiters.keys()]) this.wake(id);
    await this.subscriber?.quit().catch(() => undefined);
    this.subscriber = null;
    this.ready = null;
  }
}

const holder = globalThis as unknown as { koiCommandWakeups?: CommandWakeups };
export function commandWakeups(): CommandWakeups {
  holder.koiCommandWakeups ??= new CommandWakeups();
  return holder.koiCommandWakeups;
}

export async function publishCommandWakeup(agentId: string): Promise<void> {
  await getRedis().publish(commandWakeupChannel(), agentId);
}
