import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_LIVE_STREAMS_PER_MEMBER } from "@koi/services/live/live-stream-slots";
import { baseUrl, createOwner, prisma, signIn } from "./support/http.ts";

type TSseEvent = { event: string; data: string };

/**
 * A server-sent-events stream of `live.changes` as the app's pages open it (tRPC's
 * httpSubscriptionLink: GET with the input in the query string), read event by event.
 */
async function openLive(topic: string, cookie: string | null) {
  const abort = new AbortController();
  const input = encodeURIComponent(JSON.stringify({ json: { topic } }));
  const res = await fetch(`${baseUrl()}/api/trpc/live.changes?input=${input}`, {
    headers: { accept: "text/event-stream", ...(cookie ? { cookie } : {}) },
    signal: abort.signal,
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const queued: TSseEvent[] = [];
  /** The next event other than tRPC's `connected` and pings, or null when none comes within `ms`. */
  async function next(ms: number): Promise<TSseEvent | null> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const event = queued.shift();
      if (event) {
        if (event.event === "ping" || event.event === "connected") continue;
        return event;
      }
      const chunk = await Promise.race([
        reader.read(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), Math.max(0, until - Date.now()))),
      ]);
      if (!chunk) return null;
      if (chunk.done) return { event: "closed", data: "" };
      buffered += chunk.value;
      let end: number;
      while ((end = buffered.indexOf("\n\n")) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const field = (name: string) =>
          block
            .split("\n")
            .filter((l) => l.startsWith(`${name}:`))
            .map((l) => l.slice(name.length + 1).trim())
            .join("\n");
        queued.push({ event: field("event") || "message", data: field("data") });
      }
    }
    return null;
  }
  return { status: res.status, contentType: res.headers.get("content-type"), next, close: () => abort.abort() };
}

let a: Awaited<ReturnType<typeof createOwner>>;
let cookieA: string;
let cookieB: string;
let workloadId: string;
beforeAll(async () => {
  a = await createOwner();
  const b = await createOwner();
  cookieA = (await signIn(a.user.email, a.password)).cookie!;
  cookieB = (await signIn(b.user.email, b.password)).cookie!;
  const workload = await prisma.workload.create({
    data: { orgId: a.org.id, name: "live", kind: "batch", model: "meta-llama/Llama-3.1-8B-Instruct", spec: {} },
  });
  workloadId = workload.id;
});

const opened: Array<{ close(): void }> = [];
afterAll(() => opened.forEach((s) => s.close()));

describe("live pages: server-sent events through the running server", () => {
  it("a member's workload page hears each committed change of its workload within a few seconds", async () => {
    const live = await openLive(`workload:${workloadId}`, cookieA);
    opened.push(live);
    expect(live.status).toBe(200);
    expect(live.contentType).toMatch(/text\/event-stream/);
    // The first event: "refetch, you may have missed something".
    expect((await live.next(5_000))?.data).toContain(`workload:${workloadId}`);

    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await prisma.workload.update({ where: { id: workloadId }, data: { progressDone: 3 } });
    expect((await live.next(5_000))?.data).toContain(`workload:${workloadId}`);
  });

  it("another org's member, and no session, hear nothing of it", async () => {
    const foreign = await openLive(`workload:${workloadId}`, cookieB);
    opened.push(foreign);
    // tRPC answers a refused subscription inside the stream: an error event, then nothing.
    const first = await foreign.next(5_000);
    expect(first?.event).toBe("serialized-error");
    expect(first?.data).toContain(`"code":"NOT_FOUND"`);
    await prisma.workload.update({ where: { id: workloadId }, data: { progressDone: 4 } });
    expect(await foreign.next(2_500)).toMatchObject({ event: "closed" });

    const anonymous = await openLive(`workload:${workloadId}`, null);
    opened.push(anonymous);
    const answer = await anonymous.next(5_000);
    expect(answer?.event).toBe("serialized-error");
    expect(answer?.data).toContain(`"code":"UNAUTHORIZED"`);
  });

  it("one member holds at most a dozen streams: the next is refused until one closes", async () => {
    const c = await createOwner();
    const cookie = (await signIn(c.user.email, c.password)).cookie!;
    const held = [];
    for (let i = 0; i < MAX_LIVE_STREAMS_PER_MEMBER; i++) {
      const live = await openLive("fleet", cookie);
      opened.push(live);
      expect((await live.next(5_000))?.data).toContain("fleet");
      held.push(live);
    }
    const refused = await openLive("fleet", cookie);
    opened.push(refused);
    const answer = await refused.next(5_000);
    expect(answer?.event).toBe("serialized-error");
    expect(answer?.data).toContain(`"code":"TOO_MANY_REQUESTS"`);

    held[0]!.close();
    // The server sees the closed socket and gives the slot back.
    let reopened: TSseEvent | null = null;
    for (let attempt = 0; attempt < 10 && reopened?.event !== "message"; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const live = await openLive("fleet", cookie);
      opened.push(live);
      reopened = await live.next(5_000);
      if (reopened?.event !== "message") live.close();
    }
    expect(reopened?.data).toContain("fleet");
  });
});
