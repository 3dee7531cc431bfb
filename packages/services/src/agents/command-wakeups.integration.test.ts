import { getEventListeners } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import { afterAll, describe, expect, it, vi } from "vitest";
import { logger } from "@koi/core/logger";
import { getRedis } from "@koi/core/redis";
import { commandWakeupChannel, commandWakeups, publishCommandWakeup } from "./command-wakeups.ts";

// The per-process wake-up fan-out on its own (engine-protocol.integration.test.ts covers a long-poll
// woken by a written command). Agent ids are made up: no database rows are needed.

afterAll(async () => {
  await commandWakeups().stop();
});

const wakeups = commandWakeups();
const agent = () => `agent-${Math.random().toString(36).slice(2)}`;
const HOUR = 3_600_000;
/** Resolves once `n` waiters are registered (wait() subscribes first). */
const registered = (n: number) => vi.waitFor(() => expect(wakeups.waiting).toBe(n));
/** How many connections are subscribed to the wake-up channel (the key prefix is this run's own). */
const subscribers = async () => {
  const [, count] = (await getRedis().pubsub("NUMSUB", commandWakeupChannel())) as [string, number];
  return count;
};

/**
 * A TCP relay in front of Redis, so a test can reset the connections made through it as a network
 * fault would.
 */
async function startRelay(port = 0) {
  const upstream = new URL(process.env.REDIS_URL!);
  const clients = new Set<Socket>();
  const relay = createServer((client) => {
    const server = connect(Number(upstream.port || 6379), upstream.hostname);
    clients.add(client);
    client.pipe(server).pipe(client);
    client.on("close", () => {
      clients.delete(client);
      server.destroy();
    });
    server.on("close", () => client.destroy());
    client.on("error", () => server.destroy());
    server.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(port, "127.0.0.1", resolve));
  const bound = (relay.address() as { port: number }).port;
  return {
    port: bound,
    url: `redis://127.0.0.1:${bound}${upstream.pathname}`,
    reset: () => {
      for (const client of clients) client.resetAndDestroy();
    },
    close: () => new Promise<void>((resolve) => relay.close(() => resolve())),
  };
}

/**
 * A server that answers like Redis but refuses every command after the connection handshake, so a
 * SUBSCRIBE made through it fails with an error reply.
 */
async function startRefusingRedis() {
  const server = createServer((socket) => {
    socket.on("data", (data) => {
      // One reply per command, in order: each command is an array whose first bulk string is its name.
      for (const command of data
        .toString()
        .split(/\*\d+\r\n/)
        .slice(1)) {
        const name = command.split("\r\n")[1]?.toUpperCase();
        socket.write(name === "INFO" ? "$9\r\nloading:0\r\n" : "-ERR refused\r\n");
      }
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("commandWakeups", () => {
  it("an aborted wait resolves false and is no longer counted", async () => {
    const abort = new AbortController();
    const waited = wakeups.wait(agent(), HOUR, abort.signal);
    await registered(1);
    abort.abort();
    await expect(waited).resolves.toBe(false);
    expect(wakeups.waiting).toBe(0);
  });

  it("a wait that times out resolves false and is no longer counted", async () => {
    await expect(wakeups.wait(agent(), 1)).resolves.toBe(false);
    expect(wakeups.waiting).toBe(0);
  });

  it("a wake-up wakes every waiter of that agent, and no other agent's", async () => {
    const [a, b] = [agent(), agent()];
    const abort = new AbortController();
    const first = wakeups.wait(a, HOUR);
    const second = wakeups.wait(a, HOUR);
    const other = wakeups.wait(b, HOUR, abort.signal);
    await registered(3);
    await publishCommandWakeup(a);
    await expect(Promise.all([first, second])).resolves.toEqual([true, true]);
    expect(wakeups.waiting).toBe(1);
    abort.abort();
    await expect(other).resolves.toBe(false);
    expect(wakeups.waiting).toBe(0);
  });

  it("one of two waiters of an agent giving up leaves the other to be woken", async () => {
    const a = agent();
    const abort = new AbortController();
    const leaving = wakeups.wait(a, HOUR, abort.signal);
    const staying = wakeups.wait(a, HOUR);
    await registered(2);
    abort.abort();
    await expect(leaving).resolves.toBe(false);
    expect(wakeups.waiting).toBe(1);
    await publishCommandWakeup(a);
    await expect(staying).resolves.toBe(true);
    expect(wakeups.waiting).toBe(0);
  });

  it("waits share one Redis subscription, however many are made", async () => {
    const abort = new AbortController();
    const waits = [agent(), agent(), agent(), agent()].map((a) => wakeups.wait(a, HOUR, abort.signal));
    await registered(4);
    await expect(wakeups.wait(agent(), 1)).resolves.toBe(false);
    expect(await subscribers()).toBe(1);
    abort.abort();
    await expect(Promise.all(waits)).resolves.toEqual([false, false, false, false]);
  });

  it("a wake-up from another Koi sharing this Redis (another key prefix) wakes no one here", async () => {
    const [a, b] = [agent(), agent()];
    const abort = new AbortController();
    const elsewhere = wakeups.wait(a, HOUR, abort.signal);
    const here = wakeups.wait(b, HOUR);
    await registered(2);
    const prefix = process.env.KOI_REDIS_PREFIX;
    process.env.KOI_REDIS_PREFIX = `${prefix}-other`;
    try {
      await publishCommandWakeup(a);
    } finally {
      process.env.KOI_REDIS_PREFIX = prefix;
    }
    // Published after the other Koi's on the same connection, so delivered after it.
    await publishCommandWakeup(b);
    await expect(here).resolves.toBe(true);
    expect(wakeups.waiting).toBe(1);
    abort.abort();
    await expect(elsewhere).resolves.toBe(false);
  });

  it("a wait, woken or timed out, stops listening to its abort signal", async () => {
    // A poll's signal may outlive the wait (one request, several waits): it must not collect listeners.
    const a = agent();
    const signal = new AbortController().signal;
    const woken = wakeups.wait(a, HOUR, signal);
    await registered(1);
    await publishCommandWakeup(a);
    await expect(woken).resolves.toBe(true);
    await expect(wakeups.wait(a, 1, signal)).resolves.toBe(false);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("stop wakes the waits still pending, and stopping again is harmless", async () => {
    const pending = wakeups.wait(agent(), HOUR);
    await registered(1);
    await wakeups.stop();
    await expect(pending).resolves.toBe(true);
    expect(wakeups.waiting).toBe(0);
    await expect(wakeups.stop()).resolves.toBeUndefined();
  });

  it("a dropped subscriber connection is logged as a warning, and waits are woken again once it reconnects", async () => {
    const relay = await startRelay();
    const warn = vi.spyOn(logger, "warn");
    const redisUrl = process.env.REDIS_URL;
    await wakeups.stop();
    const a = agent();
    let settled = false;
    process.env.REDIS_URL = relay.url;
    const waited = wakeups.wait(a, HOUR).then((woken) => {
      settled = true;
      return woken;
    });
    try {
      await registered(1);
    } finally {
      process.env.REDIS_URL = redisUrl;
    }
    relay.reset();
    await vi.waitFor(() =>
      expect(warn).toHaveBeenCalledWith(
        { err: expect.objectContaining({ code: "ECONNRESET" }) },
        "command wake-up subscriber error",
      ),
    );
    // A wake-up published before the subscriber is back is lost, as in production: publish until heard.
    await vi.waitFor(async () => {
      await publishCommandWakeup(a);
      expect(settled).toBe(true);
    });
    await expect(waited).resolves.toBe(true);
    warn.mockRestore();
    await wakeups.stop();
    await relay.close();
  });

  it("a subscription that failed is made again by the next wait, instead of failing every later wait", async () => {
    const refusing = await startRefusingRedis();
    const redisUrl = process.env.REDIS_URL;
    await wakeups.stop();
    process.env.REDIS_URL = refusing.url;
    try {
      await expect(wakeups.wait(agent(), HOUR)).rejects.toThrow(/refused/);
    } finally {
      process.env.REDIS_URL = redisUrl;
    }
    const a = agent();
    const waited = wakeups.wait(a, HOUR);
    await registered(1);
    await publishCommandWakeup(a);
    await expect(waited).resolves.toBe(true);
    await wakeups.stop();
    await refusing.close();
  });

  it("a wait made while Redis cannot be reached is woken once it can, its subscription kept through the outage", async () => {
    // The subscriber retries its SUBSCRIBE through reconnects (maxRetriesPerRequest null), or every
    // later wait of the process would reject. ioredis's own default gives up after 20 reconnects,
    // about 71 s with its backoff; this outage is shorter, so it pins that the subscription waits at all.
    const down = await startRelay();
    await down.close();
    const redisUrl = process.env.REDIS_URL;
    await wakeups.stop();
    const a = agent();
    let settled: boolean | Error | null = null;
    process.env.REDIS_URL = down.url;
    const waited = wakeups.wait(a, HOUR).then(
      (woken) => (settled = woken),
      (err: Error) => (settled = err),
    );
    process.env.REDIS_URL = redisUrl;
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(settled).toBeNull();
    const back = await startRelay(down.port);
    await vi.waitFor(
      async () => {
        await publishCommandWakeup(a);
        expect(settled).toBe(true);
      },
      { timeout: 10_000, interval: 200 },
    );
    await expect(waited).resolves.toBe(true);
    await wakeups.stop();
    await back.close();
  }, 30_000);
});
