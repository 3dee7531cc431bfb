import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ZOrcaChunksProgress,
  ZOrcaHealth,
  ZOrcaJob,
  ZOrcaQuotaStatus,
  ZOrcaReplicas,
  ZOrcaResources,
  ZOrcaSubmitResponse,
} from "@koi/contracts";
import { startEngineSim, type TEngineSim } from "../start-engine-sim.ts";
import { batchedRequest, fastSimConfig } from "../testing/sim-fixtures.ts";

let sim: TEngineSim;
const KEY = "orca-secret";
const auth = { authorization: `Bearer ${KEY}` };

async function call(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${sim.orcaUrl}${path}`, {
    method: init.method ?? "GET",
    headers: { ...(init.body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // plain-text 500s
  }
  return { status: response.status, body: body as Record<string, unknown> };
}

async function submit(overrides = {}) {
  const response = await call("/submit/batch", { method: "POST", body: batchedRequest(overrides) });
  expect(response.status).toBe(200);
  const parsed = ZOrcaSubmitResponse.parse(response.body);
  if (parsed.status !== "launched") throw new Error(`not launched: ${JSON.stringify(parsed)}`);
  return parsed.job_id;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  sim = await startEngineSim(fastSimConfig({ orca: { apiKey: KEY } }));
});
afterAll(() => sim.close());

describe("simulated Orca REST API", () => {
  it("submit: 422 with pydantic-style locations for unknown and missing keys", async () => {
    const { description: _d, ...missing } = batchedRequest();
    const bad = await call("/submit/batch", { method: "POST", body: { ...missing, quantization: "fp8" } });
    expect(bad.status).toBe(422);
    const locs = (bad.body.detail as { loc: string[]; type: string }[])
      .map((d) => `${d.type}:${d.loc.join(".")}`)
      .sort();
    expect(locs).toEqual(["extra_forbidden:body.quantization", "missing:body.description"]);
  });

  it("submit launches a job with Orca's id format, readable without auth", async () => {
    const jobId = await submit();
    expect(jobId).toMatch(/^mo-llama8b-[0-9a-f]{4}$/);
    const job = ZOrcaJob.parse((await call(`/job/${jobId}`)).body);
    expect(["launching", "loading_model", "generating"]).toContain(job.status);
    expect((await call("/job/mo-nope-0000")).status).toBe(404);
  });

  it("declares Koi's prefill/decode extension and launches each group of a split with its role", async () => {
    expect(await call("/koi/capabilities")).toEqual({ status: 200, body: { capabilities: ["pd_disaggregation"] } });
    const groups = [
      { role: "prefill", gpu_type: "H100", tp_size: 1, pp_size: 1, replicas: 1, planned_market: "on_demand" },
      { role: "decode", gpu_type: "L40S", tp_size: 1, pp_size: 1, replicas: 2, planned_market: "spot" },
    ];
    const jobId = await submit({ koi_pd_groups: groups });
    const replicas = ZOrcaReplicas.parse((await call(`/job/${jobId}/replicas`)).body).replicas;
    expect(replicas.map((r) => [r.koi_role, r.instance_type])).toEqual([
      ["prefill", "p5.48xlarge"],
      ["decode", "g6e.xlarge"],
      ["decode", "g6e.xlarge"],
    ]);
    const oneSided = await call("/submit/batch", {
      method: "POST",
      body: batchedRequest({ koi_pd_groups: [groups[1], groups[1]] as never }),
    });
    expect(oneSided.status).toBe(422);
  });

  it("Bearer ORCA_API_KEY guards chunks/progress, scale, kill and swap only", async () => {
    const jobId = await submit();
    expect((await call(`/job/${jobId}/chunks/progress`)).status).toBe(401);
    expect((await call(`/job/${jobId}/chunks/progress`, { headers: { authorization: "Bearer wrong" } })).body).toEqual({
      detail: "Unauthorized",
    });
    expect((await call(`/job/${jobId}/scale`, { method: "POST", body: { count: 1 } })).status).toBe(401);
    expect((await call(`/job/${jobId}/kill`, { method: "POST", body: { replica_ids: ["x"] } })).status).toBe(401);
    expect((await call(`/job/${jobId}/swap`, { method: "POST", body: { gpu_type: "H100", force: true } })).status).toBe(
      401,
    );
    expect(ZOrcaChunksProgress.parse((await call(`/job/${jobId}/chunks/progress`, { headers: auth })).body).total).toBe(
      8,
    );
    expect((await call(`/job/${jobId}/replicas`)).status).toBe(200);
    expect((await call("/resources")).status).toBe(200);
  });

  it("swap answers 500 without force:true and swaps with it; scale rejects unknown keys with 500", async () => {
    const jobId = await submit();
    const noForce = await call(`/job/${jobId}/swap`, {
      method: "POST",
      headers: auth,
      body: { gpu_type: "H100", tp_size: 1 },
    });
    expect(noForce).toEqual({ status: 500, body: "Internal Server Error" });
    const swapped = await call(`/job/${jobId}/swap`, {
      method: "POST",
      headers: auth,
      body: { gpu_type: "A10G", tp_size: 1, force: true },
    });
    expect(swapped.status).toBe(200);
    expect(swapped.body).toMatchObject({
      status: "swapping",
      old_replicas: [`${jobId}-r0`, `${jobId}-r1`],
      new_replicas: [`${jobId}-v2-r0`, `${jobId}-v2-r1`],
      version: 2,
    });
    expect(
      (await call(`/job/${jobId}/scale`, { method: "POST", headers: auth, body: { count: 1, replicas: 2 } })).status,
    ).toBe(500);
    const scaled = await call(`/job/${jobId}/scale`, {
      method: "POST",
      headers: auth,
      body: { count: 1, gpu_type: "L4" },
    });
    expect(scaled.body).toMatchObject({ status: "scaling", new_replicas: [`${jobId}-v3-r0`], version: 3 });
  });

  it("kill reclaims chunks and skips terminal replicas; the job still completes", async () => {
    const jobId = await submit({
      num_lines: 8000,
      chunks: Array.from({ length: 16 }, (_, i) => ({
        chunk_id: `c${i}`,
        s3_input_path: `s3://b/c${i}`,
        num_lines: 500,
      })),
    });
    await until("a serving replica", async () => {
      const { replicas } = ZOrcaReplicas.parse((await call(`/job/${jobId}/replicas`)).body);
      return replicas.some((r) => r.phase === "running") ? true : undefined;
    });
    const killed = await call(`/job/${jobId}/kill`, {
      method: "POST",
      headers: auth,
      body: { replica_ids: [`${jobId}-r0`, "not-a-replica"] },
    });
    expect(killed.body).toMatchObject({ status: "killing", killed: [`${jobId}-r0`], skipped: ["not-a-replica"] });
    const again = await call(`/job/${jobId}/kill`, {
      method: "POST",
      headers: auth,
      body: { replica_ids: [`${jobId}-r0`] },
    });
    expect(again.body).toMatchObject({ killed: [], skipped: [`${jobId}-r0`] });
    const done = await until("completion", async () => {
      const job = ZOrcaJob.parse((await call(`/job/${jobId}`)).body);
      return job.status === "succeeded" ? job : undefined;
    });
    expect(done.progress).toBe(1);
    const replicas = ZOrcaReplicas.parse((await call(`/job/${jobId}/replicas`)).body).replicas;
    expect(replicas.find((r) => r.replica_id === `${jobId}-r0`)?.phase).toBe("killed");
  });

  it("/resources, /quota/status and /health have Orca's shapes; quota vCPU follows reservations", async () => {
    const resources = ZOrcaResources.parse((await call("/resources")).body);
    expect(resources.vpc_id).toBe("orca-cluster");
    expect(resources.instances.map((i) => i.instance_type)).toContain("p4d.24xlarge");
    expect(
      resources.instances.every((i) => /^(p5|p4d|p4de)\.|^g(6e|5|6)\.(12|24|48)xlarge$/.test(i.instance_type)),
    ).toBe(true);
    expect(resources.quotas.every((q) => q.baseline_vcpus > 0)).toBe(true);
    const quota = ZOrcaQuotaStatus.parse((await call("/quota/status")).body);
    for (const row of quota.quota_usage) expect(row.Available).toBe(row.Baseline - row.Used);
    const health = ZOrcaHealth.parse((await call("/health")).body);
    expect(health).toMatchObject({ status: "ok", redis_available: true, outbox_enabled: false });
  });
});
