import { afterEach, describe, expect, it } from "vitest";
import { ZRegisterResponse } from "@koi/contracts";
import { startKoiStandIn, type TKoiStandIn } from "./testing/koi-stand-in.ts";
import { KoiClient, KoiHttpError } from "./koi-client.ts";

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
});
