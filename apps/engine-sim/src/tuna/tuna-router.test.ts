import { afterEach, describe, expect, it } from "vitest";
import { ZTunaRouterHealth } from "@koi/contracts";
import { startEngineSim, type TEngineSim } from "../start-engine-sim.ts";
import { fastSimConfig } from "../testing/sim-fixtures.ts";

let sim: TEngineSim | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

const KEY = "router-key";

async function complete(base: string, headers: Record<string, string> = { "x-api-key": KEY }) {
  const response = await fetch(`${base}/v1/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model: "m", prompt: "hi", max_tokens: 4 }),
  });
  return { status: response.status, backend: response.headers.get("x-koi-sim-backend"), body: await response.text() };
}

async function health(base: string) {
  const response = await fetch(`${base}/router/health`, { headers: { "x-api-key": KEY } });
  return ZTunaRouterHealth.parse(await response.json());
}

describe("simulated Tuna router", () => {
  it("serves from serverless while spot warms, then from spot; route_stats count both", async () => {
    sim = await startEngineSim(
      fastSimConfig({
        // 60 simulated seconds of warm-up take 2 s: long enough that a loaded machine still sees
        // "warming" right after the first request (at 200× it took 0.3 s and the check flaked).
        speed: 30,
        tuna: { apiKey: KEY, spotProvisionSeconds: 60, upscaleDelaySeconds: 2, downscaleDelaySeconds: 3600 },
      }),
    );
    const first = await complete(sim.tunaUrl);
    expect(first).toMatchObject({ status: 200, backend: "serverless" });
    expect((await health(sim.tunaUrl)).spot_state).toBe("warming");
    const end = Date.now() + 15_000;
    while ((await health(sim.tunaUrl)).spot_state !== "ready") {
      if (Date.now() > end) throw new Error("spot never became ready");
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await complete(sim.tunaUrl)).toMatchObject({ status: 200, backend: "spot" });
    const h = await health(sim.tunaUrl);
    expect(h).toMatchObject({ skyserve_ready: true, last_probe_err: false });
    expect(h.route_stats).toMatchObject({ total: 2, spot: 1, serverless: 1, pct_spot: 50, window_total: 2 });
    expect(h.route_stats.gpu_seconds_spot).toBeGreaterThan(0);
    expect(h.route_stats.spot_ready_seconds).toBeGreaterThan(0);
    expect(h.route_stats.uptime_seconds).toBeGreaterThan(60);
  }, 20_000);

  it("auth: 401 plain text without the key (x-api-key or Bearer); spot-replicas 0 turns ready into cold", async () => {
    sim = await startEngineSim(fastSimConfig({ tuna: { apiKey: KEY } }));
    expect(await complete(sim.tunaUrl, {})).toMatchObject({ status: 401, body: "unauthorized" });
    expect((await fetch(`${sim.tunaUrl}/router/health`)).status).toBe(401);
    expect((await complete(sim.tunaUrl, { authorization: `Bearer ${KEY}` })).status).toBe(200);
    const post = (path: string, body: unknown) =>
      fetch(`${sim!.tunaUrl}${path}`, {
        method: "POST",
        headers: { "x-api-key": KEY, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect(await (await post("/router/spot-replicas", { replicas: 1 })).json()).toEqual({ ok: true });
    expect((await health(sim.tunaUrl)).spot_state).toBe("ready");
    await post("/router/spot-replicas", { replicas: 0 });
    expect((await health(sim.tunaUrl)).spot_state).toBe("cold");
  });

  it("router/config: invalid URL → 500, valid → ok; no backends → 503 before auth", async () => {
    sim = await startEngineSim(fastSimConfig({ tuna: { apiKey: KEY } }));
    const post = (body: unknown) =>
      fetch(`${sim!.tunaUrl}/router/config`, {
        method: "POST",
        headers: { "x-api-key": KEY, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post({ spot_url: "ftp://nope" })).status).toBe(500);
    expect(
      await (
        await post({ serverless_url: "https://api.runpod.ai/v2/abc/openai", serverless_auth_token: "tok" })
      ).json(),
    ).toEqual({ status: "ok" });
    expect((await health(sim.tunaUrl)).serverless_base_url).toBe("https://api.runpod.ai/v2/abc/openai");
    sim.tuna.router.serverlessUrl = "";
    sim.tuna.router.spotUrl = "";
    expect(await complete(sim.tunaUrl, {})).toMatchObject({
      status: 503,
      body: JSON.stringify({ error: "No backends configured yet" }),
    });
  });
});
