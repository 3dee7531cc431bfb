import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createRandom } from "@koi/planner/random/seeded-random";
import { createOrcaOutbox } from "./orca-outbox.ts";

type THit = { path: string; auth: string | undefined; body: Record<string, unknown>; at: number };

async function receiver(statuses: number[]) {
  const hits: THit[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      hits.push({
        path: req.url ?? "",
        auth: req.headers.authorization,
        body: JSON.parse(text) as Record<string, unknown>,
        at: Date.now(),
      });
      res.statusCode = statuses.shift() ?? 200;
      res.end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    hits,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function waitFor(predicate: () => boolean, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error("timeout");
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("simulated Orca outbox", () => {
  it("retries 503, 503 then 200 with 1 s, 2 s backoff (scaled), Basic auth from userinfo, prefix kept", async () => {
    const koi = await receiver([503, 503, 200]);
    cleanups.push(koi.close);
    const scale = 0.05;
    const outbox = createOrcaOutbox({
      koiServiceUrl: `http://user:t%40k@127.0.0.1:${koi.port}/prefix/`,
      useOutbox: true,
      timeScale: scale,
      random: createRandom(1),
      simNow: () => 1767225600,
    });
    cleanups.push(outbox.close);
    outbox.emit("/job/started", { job_id: "mo-x-r0", replica_id: "mo-x-r0" }, "job_started:mo-x-r0");
    outbox.emit("/job/started", { job_id: "mo-x-r0", replica_id: "mo-x-r0" }, "job_started:mo-x-r0");
    await waitFor(() => outbox.pending() === 0);
    expect(koi.hits).toHaveLength(3);
    expect(koi.hits.every((h) => h.path === "/prefix/job/started")).toBe(true);
    expect(koi.hits[0]!.auth).toBe(`Basic ${Buffer.from("user:t@k").toString("base64")}`);
    const gaps = [koi.hits[1]!.at - koi.hits[0]!.at, koi.hits[2]!.at - koi.hits[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(1000 * scale - 5);
    expect(gaps[1]).toBeGreaterThanOrEqual(2000 * scale - 5);
    expect(Object.keys(koi.hits[0]!.body).slice(0, 4)).toEqual([
      "event_id",
      "event_type",
      "emitted_at",
      "correlation_id",
    ]);
    expect(koi.hits.map((h) => h.body.event_id)).toEqual([
      "job_started:mo-x-r0",
      "job_started:mo-x-r0",
      "job_started:mo-x-r0",
    ]);
    expect(koi.hits[2]!.body).toMatchObject({
      event_type: "job_started",
      emitted_at: 1767225600,
      correlation_id: null,
      job_id: "mo-x-r0",
    });
    outbox.emit("/job/started", { job_id: "mo-x-r0" }, "job_started:mo-x-r0");
    expect(outbox.pending()).toBe(0);
  });

  it("keeps retrying a 4xx and delivers later events meanwhile (no ordering)", async () => {
    const koi = await receiver([422, 200, 422, 200]);
    cleanups.push(koi.close);
    const outbox = createOrcaOutbox({
      koiServiceUrl: `http://127.0.0.1:${koi.port}`,
      useOutbox: true,
      timeScale: 0.02,
      random: createRandom(3),
      simNow: () => 1,
    });
    cleanups.push(outbox.close);
    outbox.emit("/job/config-attempted", { job_id: "a" });
    outbox.emit("/job/launch-heartbeat", { job_id: "b" });
    await waitFor(() => outbox.pending() === 0);
    const ids = koi.hits.map((h) => h.body.event_id as string);
    expect(ids[0]).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    expect(koi.hits.map((h) => `${h.body.job_id}`)).toEqual(["a", "b", "a", "a"]);
  });

  it("rollback path posts the bare payload once; no KOI_SERVICE_URL means no events at all", async () => {
    const koi = await receiver([503]);
    cleanups.push(koi.close);
    const rollback = createOrcaOutbox({
      koiServiceUrl: `http://127.0.0.1:${koi.port}`,
      useOutbox: false,
      timeScale: 0.01,
      random: createRandom(1),
      simNow: () => 1,
    });
    cleanups.push(rollback.close);
    rollback.emit("/job/complete", { job_id: "j", group_id: "j", status: "succeeded", metrics: {} }, "job_complete:j");
    await waitFor(() => koi.hits.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(koi.hits).toHaveLength(1);
    expect(koi.hits[0]!.body).toEqual({ job_id: "j", group_id: "j", status: "succeeded", metrics: {} });
    const silent = createOrcaOutbox({
      koiServiceUrl: null,
      useOutbox: true,
      timeScale: 1,
      random: createRandom(1),
      simNow: () => 1,
    });
    silent.emit("/job/complete", { job_id: "j" });
    expect([silent.enabled, silent.pending()]).toEqual([false, 0]);
  });
});
