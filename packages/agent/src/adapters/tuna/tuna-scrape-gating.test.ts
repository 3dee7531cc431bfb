import { describe, expect, it } from "vitest";
import { silentLogger } from "../../logger.ts";
import { assignmentRecord } from "../../testing/assignment-record.ts";
import { deployCommand } from "../../testing/commands.ts";
import { tunaRouterHealth } from "../../testing/tuna-router-health.ts";
import { createTunaAdapter } from "./tuna-adapter.ts";

/*
 * Which backends the adapter reads /metrics from, against a router stand-in shaped like Tuna's
 * (ENGINE_CONTRACTS D.1): SkyServe's load balancer named by the controller's loopback address, and
 * a serverless endpoint that a GET would wake. Only the requests the adapter sends are looked at.
 */

function tunaLike() {
  const requested: string[] = [];
  const authorization: (string | null)[] = [];
  let served = 0;
  let uptime = 100;
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    requested.push(`${url.host}${url.pathname}`);
    // A serverless endpoint that wants the router's token, as RunPod's does.
    if (url.host === "acme--vllm.modal.run") {
      const auth = new Headers(init?.headers).get("authorization");
      authorization.push(auth);
      if (auth !== "Bearer sk-serverless") return new Response("unauthorized", { status: 401 });
    }
    if (url.pathname === "/router/health") {
      uptime += 15;
      return Response.json(
        tunaRouterHealth({
          uptime,
          serverless: served,
          spotState: "cold",
          serverless_base_url: "https://acme--vllm.modal.run",
        }),
      );
    }
    if (url.pathname === "/metrics") return new Response("vllm:num_requests_running 0\n");
    return new Response("not found", { status: 404 });
  };
  return { fetchImpl, requested, authorization, serve: (n: number) => (served += n) };
}

function attach(router: ReturnType<typeof tunaLike>, serverlessAuthToken?: string) {
  return createTunaAdapter({
    url: "http://tuna-controller.internal:8080",
    apiKey: null,
    gpuType: "L4",
    gpuCount: 1,
    serverlessProvider: "modal",
    ...(serverlessAuthToken ? { serverlessAuthToken } : {}),
    logger: silentLogger,
    fetchImpl: router.fetchImpl,
  });
}

describe("Tuna adapter: which backends it reads", () => {
  it("reads a backend only while the router sends it requests, and never the router host's loopback", async () => {
    const router = tunaLike();
    const tuna = attach(router, "sk-serverless");
    const deploy = deployCommand({ workload: { kind: "online", requestsPerSecond: 1 } });
    const attached = await tuna.execute(deploy, undefined);
    const a = assignmentRecord("tuna", deploy.assignmentId, {
      engineRef: attached.engineRef!,
      adapterState: attached.adapterState!,
    });
    const poll = async () => {
      router.requested.length = 0;
      const { report, adapterState } = await tuna.poll(a);
      a.adapterState = adapterState ?? a.adapterState;
      return { report, requested: [...router.requested] };
    };
    const serverlessMetrics = "acme--vllm.modal.run/metrics";

    // First poll: the serverless backend is read once for a baseline; the loopback is not read.
    const first = await poll();
    expect(first.requested).toEqual(["tuna-controller.internal:8080/router/health", serverlessMetrics]);
    // Idle: nothing routed, so the serverless worker is left to scale to zero.
    const idle = await poll();
    expect(idle.requested).toEqual(["tuna-controller.internal:8080/router/health"]);
    // SkyServe's load balancer is the controller's own 127.0.0.1: each sample says so, unread.
    expect(idle.report.online?.scrapeErrors).toEqual([
      expect.stringContaining("http://127.0.0.1:30001/metrics: the router's own loopback address"),
    ]);
    // Requests routed to serverless: it is awake anyway, and its metrics are read.
    router.serve(5);
    const busy = await poll();
    expect(busy.requested).toEqual(["tuna-controller.internal:8080/router/health", serverlessMetrics]);
    expect(busy.report.online?.requestsPerSecond).toBeCloseTo(5 / 15, 9);
  });

  it("reads the serverless endpoint with the router's serverless token, and says which token is missing", async () => {
    const router = tunaLike();
    for (const token of ["sk-serverless", undefined]) {
      const tuna = attach(router, token);
      const deploy = deployCommand({ workload: { kind: "online", requestsPerSecond: 1 } });
      const attached = await tuna.execute(deploy, undefined);
      const a = assignmentRecord("tuna", deploy.assignmentId, {
        engineRef: attached.engineRef!,
        adapterState: attached.adapterState!,
      });
      const { report } = await tuna.poll(a);
      // (The spot side, SkyServe on the controller's loopback, is never read from here.)
      if (token) expect(report.online?.scrapeErrors).not.toContainEqual(expect.stringContaining("modal.run"));
      else
        expect(report.online?.scrapeErrors).toContainEqual(
          expect.stringContaining(
            "answered 401: give the agent the router's serverless token (KOI_TUNA_SERVERLESS_TOKEN)",
          ),
        );
    }
    expect(router.authorization).toEqual(["Bearer sk-serverless", null]);
  });
});
