import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZAssignmentReport, type TOnlineSample } from "@koi/contracts";
import { startEngineSim, type TEngineSim } from "@koi/engine-sim";
import { silentLogger } from "../../logger.ts";
import type { TAssignmentRecord } from "../../state/agent-state.ts";
import { assignmentRecord } from "../../testing/assignment-record.ts";
import { command, deployCommand } from "../../testing/commands.ts";
import { chatDayAdapterOptions, chatDaySimConfig } from "../../testing/tuna-chat-day.ts";
import { createTunaAdapter } from "./tuna-adapter.ts";

/*
 * The Tuna adapter against the engine simulator serving a chat day: it reports what the service
 * does (route stats + vLLM /metrics) and a set_scaling command changes what the simulator runs,
 * which the next reports show.
 */

let sim: TEngineSim;
const adapter = () => createTunaAdapter(chatDayAdapterOptions(sim));

beforeAll(async () => {
  sim = await startEngineSim(chatDaySimConfig());
});
afterAll(() => sim.close());

async function pollUntil(a: TAssignmentRecord, ok: (s: TOnlineSample) => boolean, ms = 15_000): Promise<TOnlineSample> {
  const tuna = adapter();
  const end = Date.now() + ms;
  let last: TOnlineSample | undefined;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    const { report, adapterState } = await tuna.poll(a);
    a.adapterState = adapterState ?? a.adapterState;
    expect(
      ZAssignmentReport.safeParse({ epoch: 1, seq: 0, at: new Date().toISOString(), ...report }).error,
    ).toBeUndefined();
    if (report.online) {
      last = report.online;
      if (ok(last)) return last;
    }
  }
  throw new Error(`no matching sample; last ${JSON.stringify(last)}`);
}

describe("Tuna adapter: online samples and set_scaling against engine-sim", () => {
  it("reports rate, tokens, latency percentiles, queue and replicas; set_scaling changes the replicas the simulator runs", async () => {
    const tuna = adapter();
    const deploy = deployCommand({ workload: { kind: "online", requestsPerSecond: 4 } });
    const attached = await tuna.execute(deploy, undefined);
    expect(attached.status).toBe("completed");
    const a = assignmentRecord("tuna", deploy.assignmentId, {
      engineRef: attached.engineRef!,
      adapterState: attached.adapterState!,
    });
    // Requests are counted by the router as they arrive and tokens by the backends as they finish, so
    // a first short interval under load can hold requests without tokens yet: wait for both.
    const first = await pollUntil(
      a,
      (s) => s.requestsPerSecond > 0 && s.inputTokensPerSecond > 0 && s.ttftP95Ms !== null && s.spotReplicas === 1,
    );
    // 2–4 req/s of 800-token prompts and 200-token answers (Poisson: a wide margin).
    expect(first.requestsPerSecond).toBeGreaterThan(0.5);
    expect(first.requestsPerSecond).toBeLessThan(10);
    expect(first.inputTokensPerSecond / first.requestsPerSecond).toBeGreaterThan(400);
    expect(first.outputTokensPerSecond / first.requestsPerSecond).toBeGreaterThan(100);
    expect(first.tpotP95Ms).toBeGreaterThan(0);
    expect(first.serverlessConcurrency).toBeNull();
    expect(first.scrapeErrors).toEqual([]);

    const policy = {
      spot: { min_replicas: 3, max_replicas: 4, target_qps: 2, upscale_delay: 60, downscale_delay: 300 },
      serverless: { concurrency: 8, scaledown_window: 60, workers_min: 0, workers_max: 2 },
    };
    const applied = await tuna.execute(command("set_scaling", a.assignmentId, { policy, decisionId: "dec_1" }), a);
    expect(applied.status, applied.detail).toBe("completed");
    expect(applied.detail).toContain("spot 3–4 replicas at 2 QPS each, serverless concurrency 8");
    a.adapterState = applied.adapterState!;
    expect(sim.tuna.backends.policy()).toEqual(policy);
    const after = await pollUntil(a, (s) => (s.spotReplicas ?? 0) >= 3);
    expect(after.serverlessConcurrency).toBe(8);
    expect(after.pctSpot).toBeGreaterThan(0);
  });

  it("sends no policy to a router that does not say it takes one (Tuna's would proxy it to vLLM as traffic)", async () => {
    const sent: string[] = [];
    const likeTuna: typeof fetch = async (input, init) => {
      sent.push(`${init?.method ?? "GET"} ${new URL(String(input)).pathname}`);
      const response = await fetch(input, init);
      if (!String(input).endsWith("/router/health")) return response;
      const { koi_scaling_policy: _, ...health } = (await response.json()) as Record<string, unknown>;
      return Response.json(health);
    };
    const tuna = createTunaAdapter({
      url: sim.tunaUrl,
      apiKey: "k",
      gpuType: "L4",
      gpuCount: 1,
      serverlessProvider: "modal",
      logger: silentLogger,
      fetchImpl: likeTuna,
    });
    const policy = {
      spot: { min_replicas: 1, max_replicas: 2, target_qps: 2, upscale_delay: 60, downscale_delay: 300 },
      serverless: { concurrency: 4, scaledown_window: 60, workers_min: 0, workers_max: 1 },
    };
    const refused = await tuna.execute(
      command("set_scaling", "asg_y", { policy, decisionId: "dec_3" }),
      assignmentRecord("tuna", "asg_y"),
    );
    expect(refused).toMatchObject({
      status: "rejected",
      detail: expect.stringContaining("--tuna-scaling-policy-command"),
    });
    expect(sent).toEqual(["GET /router/health"]);
  });

  it("a policy the simulator refuses fails the command with its reason", async () => {
    const bad = await adapter().execute(
      command("set_scaling", "asg_x", {
        policy: {
          spot: { min_replicas: 1, max_replicas: 1, target_qps: 0, upscale_delay: 1, downscale_delay: 1 },
          serverless: { concurrency: 1, scaledown_window: 1, workers_min: 0, workers_max: 1 },
        },
        decisionId: "dec_2",
      }),
      assignmentRecord("tuna", "asg_x"),
    );
    expect(bad).toMatchObject({ status: "rejected", detail: expect.stringContaining("422") });
  });
});
