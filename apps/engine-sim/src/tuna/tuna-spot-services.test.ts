import { afterEach, describe, expect, it } from "vitest";
import { ZTunaRouterHealth } from "@koi/contracts";
import { latencyAtRate, profileReplica } from "@koi/planner";
import { parseSimConfig } from "../config.ts";
import { startEngineSim, type TEngineSim } from "../start-engine-sim.ts";
import { fastSimConfig } from "../testing/sim-fixtures.ts";

let sim: TEngineSim | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

const MODEL = "meta-llama/Llama-3.1-8B-Instruct";
const policy = (minReplicas: number) => ({
  spot: { min_replicas: minReplicas, max_replicas: 4, target_qps: 10, upscale_delay: 5, downscale_delay: 60 },
  serverless: { concurrency: 8, scaledown_window: 60, workers_min: 0, workers_max: 2 },
});

async function waitFor<T>(read: () => Promise<T> | T, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const health = (s: TEngineSim) =>
  fetch(`${s.tunaUrl}/router/health`).then(async (r) => {
    const body = (await r.json()) as { koi_spot_services: Record<string, string> };
    return { ...ZTunaRouterHealth.parse(body), koi_spot_services: body.koi_spot_services };
  });

const postJson = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** Requests the service's vLLM has finished, from its /metrics. */
async function finished(serviceUrl: string): Promise<number> {
  const text = await fetch(`${serviceUrl}/metrics`).then((r) => r.text());
  return Number(/^vllm:time_to_first_token_seconds_count\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
}

describe("extra SkyServe spot services (GPU-type variants)", () => {
  it("config refuses a repeated gpuType and the deployment's own", () => {
    expect(() => parseSimConfig({ tuna: { spotServices: [{ gpuType: "A100" }, { gpuType: "A100" }] } })).toThrow(
      "tuna.spotServices: each gpuType may appear only once",
    );
    expect(() => parseSimConfig({ tuna: { gpuType: "L4", spotServices: [{ gpuType: "L4" }] } })).toThrow(
      "tuna.spotServices: must not list the deployment's own gpuType",
    );
    expect(() => parseSimConfig({ tuna: { spotServices: [{ gpuType: "A100", gpuCount: 0 }] } })).toThrow();
    expect(parseSimConfig({ tuna: { spotServices: [{ gpuType: "A100" }] } }).tuna.spotServices).toEqual([
      { gpuType: "A100", gpuCount: 1 },
    ]);
  });

  it("lists every service in /router/health; ?service= scopes the spot policy; unknown services are 404", async () => {
    sim = await startEngineSim(fastSimConfig({ tuna: { gpuType: "L4", spotServices: [{ gpuType: "A100" }] } }));
    const base = sim.tunaUrl;
    expect((await health(sim)).koi_spot_services).toEqual({
      L4: `${base}/_sim/spot`,
      A100: `${base}/_sim/skyserve/A100`,
    });

    const own = await fetch(`${base}/router/scaling-policy`).then((r) => r.json());
    expect((await postJson(`${base}/router/scaling-policy?service=A100`, policy(2))).status).toBe(200);
    expect(await fetch(`${base}/router/scaling-policy?service=A100`).then((r) => r.json())).toEqual(policy(2));
    // The own service keeps its spot policy; the serverless policy is shared, so it follows.
    expect(await fetch(`${base}/router/scaling-policy`).then((r) => r.json())).toEqual({
      spot: (own as { spot: unknown }).spot,
      serverless: policy(2).serverless,
    });
    expect(await fetch(`${base}/router/scaling-policy?service=L4`).then((r) => r.json())).toEqual(
      await fetch(`${base}/router/scaling-policy`).then((r) => r.json()),
    );
    await waitFor(
      () => sim!.tuna.backends.spotService("A100")!.pool.replicas.length,
      (n) => n === 2,
    );

    const detail = { detail: "no spot service H100; this simulator runs L4, A100" };
    const get = await fetch(`${base}/router/scaling-policy?service=H100`);
    expect([get.status, await get.json()]).toEqual([404, detail]);
    const post = await postJson(`${base}/router/scaling-policy?service=H100`, policy(1));
    expect([post.status, await post.json()]).toEqual([404, detail]);
    const path = await fetch(`${base}/_sim/skyserve/H100/v1/models`);
    expect([path.status, await path.json()]).toEqual([404, detail]);
  });

  it("a variant answers 503 until the replica its first request launched boots, at its own GPU's latency", async () => {
    sim = await startEngineSim(
      fastSimConfig({
        speed: 200,
        tuna: { gpuType: "L4", spotPreemptionPerHour: 0, spotServices: [{ gpuType: "A100", gpuCount: 2 }] },
      }),
    );
    const url = `${sim.tunaUrl}/_sim/skyserve/A100`;
    const variant = sim.tuna.backends.spotService("A100")!;
    expect(variant.pool.replicas).toHaveLength(0);
    const first = await fetch(`${url}/v1/models`);
    expect([first.status, await first.json()]).toEqual([503, { detail: "No ready replicas" }]);
    expect(variant.pool.replicas).toHaveLength(1);
    expect((await fetch(`${url}/health`)).status).toBe(503);
    const models = await waitFor(
      () => fetch(`${url}/v1/models`),
      (r) => r.status === 200,
    );
    expect(await models.json()).toEqual({ object: "list", data: [{ id: MODEL, object: "model" }] });
    expect(await fetch(`${url}/health`).then((r) => r.json())).toEqual({ status: "ok" });

    const completion = await postJson(`${url}/v1/completions`, { model: MODEL, prompt: "hi", max_tokens: 2 });
    expect([completion.status, completion.headers.get("x-koi-sim-backend")]).toEqual([200, "spot"]);
    expect(await finished(url)).toBe(1);
    expect(await finished(`${sim.tunaUrl}/_sim/spot`)).toBe(0);

    const shape = { inputTokens: 512, outputTokens: 128 };
    const expected = latencyAtRate(profileReplica({ model: MODEL, gpu: "A100", tp: 2, ...shape }), 1);
    const p95 = sim.tuna.backends.load(variant, 1, 0, shape);
    expect(p95.ttftS).toBeCloseTo(expected.ttftP95Ms / 1000, 9);
    expect(p95.tpotS).toBeCloseTo(expected.tpotP95Ms / 1000, 9);
    const onL4 = latencyAtRate(profileReplica({ model: MODEL, gpu: "L4", tp: 1, ...shape }), 1);
    expect(p95.tpotS).not.toBeCloseTo(onL4.tpotP95Ms / 1000, 3);
  });

  it("after POST /router/config moves spot_url to a variant, spot traffic and the watcher follow it", async () => {
    sim = await startEngineSim(
      fastSimConfig({
        tuna: {
          gpuType: "L4",
          spotPreemptionPerHour: 0,
          downscaleDelaySeconds: 60,
          spotServices: [{ gpuType: "A100" }],
          dailyLoad: { peakRps: 3, troughRps: 3 },
        },
      }),
    );
    const s = sim;
    const own = s.tuna.backends.ownSpot;
    const variant = s.tuna.backends.spotService("A100")!;
    const variantUrl = (await health(s)).koi_spot_services.A100!;

    // Before: the own service warms, serves the day's spot traffic and is the one the watcher reports.
    await waitFor(
      () => health(s),
      (h) => h.spot_state === "ready" && h.spot_replicas === 1 && h.route_stats.spot > 0,
    );
    expect(variant.pool.qps(s.clock.now())).toBe(0);

    // Koi's switch: a floor on the variant, wait for /v1/models, repoint the router, floor 0 on the old.
    expect((await postJson(`${s.tunaUrl}/router/scaling-policy?service=A100`, policy(2))).status).toBe(200);
    await waitFor(
      () => fetch(`${variantUrl}/v1/models`).then((r) => r.status),
      (status) => status === 200,
    );
    await waitFor(
      () => variant.pool.ready(s.clock.now()),
      (n) => n === 2,
    );
    expect(await finished(variantUrl)).toBe(0);
    expect((await postJson(`${s.tunaUrl}/router/config`, { spot_url: `${variantUrl}/` })).status).toBe(200);
    expect(s.tuna.backends.activeSpot()).toBe(variant);
    const ownFinished = await finished(`${s.tunaUrl}/_sim/spot`);
    expect((await postJson(`${s.tunaUrl}/router/scaling-policy?service=L4`, policy(0))).status).toBe(200);

    // After: the watcher pushes the variant's two READY replicas; the day's spot traffic lands there.
    await waitFor(
      () => health(s),
      (h) => h.spot_replicas === 2,
    );
    await waitFor(
      () => finished(variantUrl),
      (n) => n > 50,
    );
    // Past SkyServe's 60 s QPS window the old service has seen nothing, and it scales to zero.
    await waitFor(
      () => own.pool.replicas.length,
      (n) => n === 0,
    );
    const now = s.clock.now();
    expect(own.pool.qps(now)).toBe(0);
    expect(variant.pool.qps(now)).toBeGreaterThan(1);
    expect(await finished(`${s.tunaUrl}/_sim/spot`)).toBe(ownFinished);
    const h = await health(s);
    expect(h).toMatchObject({ spot_state: "ready", spot_replicas: 2, skyserve_base_url: `${variantUrl}/` });
  });
});
