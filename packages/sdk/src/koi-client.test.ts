import { afterEach, describe, expect, it } from "vitest";
import { ZRegisterResponse } from "@koi/contracts";
import { startKoiStandIn, type TKoiStandIn } from "./testing/koi-stand-in.ts";
import { KoiClient } from "./koi-client.ts";
import { KoiHttpError } from "./koi-http-error.ts";

let koi: TKoiStandIn;
afterEach(() => koi?.close());

function client(sleeps: number[]) {
  return new KoiClient({
    baseUrl: koi.url,
    apiKey: "koi_live_test",
    userAgent: "test",
    random: () => 0.5,
    backoff: { baseMs: 100, capMs: 1000 },
    sleep: async (ms) => void sleeps.push(ms),
  });
}

const register = {
  method: "POST" as const,
  path: "/api/v1/agents/register",
  body: {},
  idempotencyKey: "register:inst_1:1",
};

describe("Koi client", () => {
  it("retries 503 and network-level trouble with the same Idempotency-Key and Bearer key", async () => {
    koi = await startKoiStandIn();
    let calls = 0;
    koi.respond((req) =>
      req.path.endsWith("/register") && ++calls <= 2
        ? { status: 503, body: { error: { code: "service_unavailable", message: "down", requestId: "r" } } }
        : undefined,
    );
    const sleeps: number[] = [];
    const result = await client(sleeps).call(register, ZRegisterResponse);
    expect(result.agentId).toBe("agt_test");
    const sent = koi.requests.filter((r) => r.path.endsWith("/register"));
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((r) => r.headers["idempotency-key"]))).toEqual(new Set(["register:inst_1:1"]));
    expect(sent.every((r) => r.headers.authorization === "Bearer koi_live_test")).toBe(true);
    expect(sleeps).toEqual([50, 100]); // full jitter with random 0.5: 0.5 × 100, 0.5 × 200
  });

  it("honours Retry-After on 429 and 503 — and the pause applies to every later request", async () => {
    koi = await startKoiStandIn();
    let calls = 0;
    koi.respond((req) =>
      req.path.endsWith("/register") && ++calls === 1
        ? {
            status: 429,
            headers: { "retry-after": "3" },
            body: { error: { code: "rate_limited", message: "slow down", requestId: "r" } },
          }
        : undefined,
    );
    const sleeps: number[] = [];
    const c = client(sleeps);
    await c.call(register, ZRegisterResponse);
    expect(sleeps[0]).toBeGreaterThanOrEqual(3000);
    expect(sleeps[0]).toBeLessThanOrEqual(3300);

    koi.respond((req) =>
      req.path.endsWith("/register") ? { status: 503, headers: { "retry-after": "30" } } : undefined,
    );
    await expect(c.call(register, ZRegisterResponse, 1)).rejects.toBeInstanceOf(KoiHttpError);
    sleeps.length = 0;
    koi.respond(null);
    await c.send({ method: "GET", path: "/api/v1/agents/agt_test/commands" });
    expect(sleeps[0]).toBeGreaterThan(29_000);
  });

  it("does not retry 4xx other than 408/429, and refuses a POST without Idempotency-Key", async () => {
    koi = await startKoiStandIn();
    koi.respond(() => ({ status: 401, body: { error: { code: "unauthorized", message: "bad key", requestId: "r" } } }));
    const sleeps: number[] = [];
    const error = await client(sleeps)
      .call(register, ZRegisterResponse)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KoiHttpError);
    expect((error as KoiHttpError).message).toContain("unauthorized: bad key");
    expect(koi.requests).toHaveLength(1);
    await expect(client(sleeps).send({ method: "POST", path: "/x", body: {} })).rejects.toThrow(/Idempotency-Key/);
  });

  it("previews a plan without an Idempotency-Key and parses the contract's plan view", async () => {
    koi = await startKoiStandIn();
    const plan = {
      replicas: [],
      gpus: 4,
      costPerHour: 12,
      totalCost: 24,
      tokensPerSecond: 5000,
      feasible: true,
      engine: "orca",
      kind: "batch",
      alternatives: [],
      reason: "cheapest",
    };
    koi.respond((req) => (req.path === "/api/v1/plan" ? { status: 200, body: plan } : undefined));
    const answer = await client([]).previewPlan({
      kind: "batch",
      model: "llama-3.1-8b",
      requests: 10,
      avgInputTokens: 100,
      avgOutputTokens: 10,
      deadlineHours: 1,
    });
    expect(answer).toMatchObject({ feasible: true, gpus: 4, engine: "orca" });
    expect(koi.requests[0]?.headers["idempotency-key"]).toBeUndefined();
  });

  it("a workload call reads Koi's error body: code, message and request id for one line", async () => {
    koi = await startKoiStandIn();
    koi.respond(() => ({
      status: 404,
      body: { error: { code: "not_found", message: "No such workload.", requestId: "req_9" } },
    }));
    const error = await client([])
      .getWorkload("wl/1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KoiHttpError);
    expect((error as KoiHttpError).describe()).toBe("No such workload. (HTTP 404 not_found, requestId req_9)");
    expect(koi.requests[0]?.path).toBe("/api/v1/workloads/wl%2F1");
  });

  it("an unreachable Koi is named by its address", async () => {
    const offline = new KoiClient({ baseUrl: "http://127.0.0.1:9", apiKey: "k", userAgent: "test", maxAttempts: 1 });
    await expect(offline.getWorkload("wl_1")).rejects.toThrow(/cannot reach Koi at http:\/\/127\.0\.0\.1:9/);
  });
});
