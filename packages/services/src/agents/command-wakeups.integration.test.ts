import { afterAll, describe, expect, it, vi } from "vitest";
import { commandWakeups, publishCommandWakeup } from "./command-wakeups.ts";

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
});
