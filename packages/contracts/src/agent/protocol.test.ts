import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  ZAckRequest,
  ZAssignmentReport,
  ZCommandsResponse,
  ZErrorBody,
  ZEventsRequest,
  ZHeartbeatRequest,
  ZHeartbeatResponse,
  ZRegisterRequest,
  ZRegisterResponse,
  issuesFromZod,
  type TCommand,
} from "../index.ts";

const AT = "2026-01-01T00:00:00.000Z";
const LEASE = "2026-01-01T00:05:00Z";
const base = { commandId: "cmd_1", assignmentId: "asg_1", epoch: 3, leaseExpiresAt: LEASE };

const deploy: TCommand = {
  type: "deploy",
  ...base,
  payload: {
    workload: {
      kind: "batch",
      model: "Qwen/Qwen2.5-72B-Instruct",
      requests: 10000,
      avgInputTokens: 2000,
      avgOutputTokens: 500,
      deadlineAt: "2026-01-01T04:00:00Z",
      input: { uri: "s3://bucket/in.jsonl" },
    },
    placement: { gpuType: "A100-80GB", tp: 8, pp: 1, replicas: 2, market: "spot" },
    alternatives: [{ gpuType: "H100-SXM", tp: 4, pp: 1, market: "on-demand", predictedTps: 7000 }],
    decisionId: "dec_1",
    predictedTps: 6266.9,
  },
};

const commands: TCommand[] = [
  deploy,
  { type: "scale", ...base, commandId: "cmd_2", payload: { count: 4, gpuType: "L40S", tp: 4, market: "spot" } },
  { type: "swap", ...base, commandId: "cmd_3", payload: { gpuType: "H100-SXM", tp: 8, replicas: 1 } },
  {
    type: "set_routing",
    ...base,
    commandId: "cmd_4",
    payload: { serverlessUrl: "https://api.runpod.ai/v2/abc/openai", serverlessAuthTokenRef: "env:RUNPOD_TOKEN" },
  },
  { type: "pause", ...base, commandId: "cmd_5", payload: {} },
  { type: "resume", ...base, commandId: "cmd_6", payload: {} },
  { type: "stop", ...base, commandId: "cmd_7", payload: {} },
];

function roundTrip<T>(schema: z.ZodType<T>, value: T): void {
  const parsed = schema.parse(JSON.parse(JSON.stringify(value)));
  expect(parsed).toEqual(value);
}

function pathsOf(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  expect(result.success).toBe(false);
  return result.success ? [] : issuesFromZod(result.error).map((i) => i.path);
}

describe("agent protocol v1 round-trips", () => {
  it("register request and response", () => {
    roundTrip(ZRegisterRequest, {
      instanceId: "inst_8f2c1e0a",
      engine: "orca",
      engineVersion: null,
      agentVersion: "0.1.0",
      protocolVersion: 1,
      cluster: { name: "prod-us", kind: "cloud", provider: "aws", region: "us-east-1" },
      capabilities: ["swap", "spot", "scale", "webhooks"],
    });
    roundTrip(ZRegisterResponse, { agentId: "agt_1", heartbeatIntervalSeconds: 10 });
  });

  it("heartbeat request and response", () => {
    roundTrip(ZHeartbeatRequest, {
      sentAt: AT,
      inventory: {
        collectedAt: AT,
        pools: [
          {
            id: "orca:us-east-1:spot:H100-SXM",
            gpuType: "H100-SXM",
            market: "spot",
            region: "us-east-1",
            total: 16,
            available: 8,
            quota: 16,
            pricePerGpuHour: null,
          },
        ],
      },
      assignments: [{ assignmentId: "asg_1", epoch: 3, state: "running", engineRef: "mo-qwen72b-a3f7" }],
      metrics: {
        uptimeSeconds: 12.5,
        spoolPending: 0,
        spoolOldestAgeSeconds: null,
        engineReachable: true,
        lastEngineError: null,
      },
    });
    roundTrip(ZHeartbeatResponse, {
      nextHeartbeatSeconds: 10,
      revokedAssignments: [{ assignmentId: "asg_0", epoch: 1 }],
    });
  });

  it("every command type in one long-poll response", () => {
    roundTrip(ZCommandsResponse, { commands });
    expect(new Set(commands.map((c) => c.type)).size).toBe(7);
  });

  it("ack, report and events", () => {
    roundTrip(ZAckRequest, {
      assignmentId: "asg_1",
      epoch: 3,
      status: "completed",
      detail: "launched",
      engineRef: "mo-qwen72b-a3f7",
      at: AT,
    });
    roundTrip(ZAssignmentReport, {
      epoch: 3,
      seq: 7,
      at: AT,
      state: "running",
      progress: { completed: 12, total: 40, unit: "chunks" },
      throughput: { tokensPerSecond: 6100, outputTokensPerSecond: 1220 },
      gpuUtilPct: 71,
      batchSize: 256,
      kvCacheHitRate: 0.12,
      ttftMsP50: 800,
      ttftMsP95: 1500,
      tpotMsP50: 30,
      tpotMsP95: 41,
      usage: [
        { component: "spot", gpuType: "A100-40GB", seconds: 3600, costUsd: 4.1, estimated: true },
        { component: "router", seconds: 3600, requests: 1000, costUsd: 0 },
      ],
    });
    roundTrip(ZEventsRequest, {
      events: [
        {
          eventId: "replica_failed:mo-qwen72b-a3f7-r0",
          at: AT,
          type: "replica_failed",
          reasonCode: "heartbeat_timeout",
          reasonCodeInferred: true,
          detail: "Heartbeat timeout (45s)",
          engineRef: "mo-qwen72b-a3f7",
          replicaId: "mo-qwen72b-a3f7-r0",
          assignmentId: "asg_1",
          epoch: 3,
          source: "orca-webhook",
          payload: { job_id: "mo-qwen72b-a3f7-r0", status: "failed" },
        },
      ],
    });
    roundTrip(ZErrorBody, { error: { code: "stale_epoch", message: "epoch 2 < 3", requestId: "req_1" } });
  });
});

describe("agent protocol v1 rejects bad input with field paths", () => {
  it("bad tp, market and unknown key inside a deploy", () => {
    const bad = structuredClone(deploy) as unknown as { payload: { placement: Record<string, unknown> } };
    bad.payload.placement.tp = 3;
    bad.payload.placement.market = "preemptible";
    bad.payload.placement.zone = "a";
    expect(pathsOf(ZCommandsResponse, { commands: [bad] }).sort()).toEqual([
      "commands.0.payload.placement",
      "commands.0.payload.placement.market",
      "commands.0.payload.placement.tp",
    ]);
  });

  it("unknown command type names the discriminator", () => {
    expect(pathsOf(ZCommandsResponse, { commands: [{ ...base, type: "reboot", payload: {} }] })).toEqual([
      "commands.0.type",
    ]);
  });

  it("batch workload without requests", () => {
    const bad = structuredClone(deploy) as unknown as { payload: { workload: Record<string, unknown> } };
    delete bad.payload.workload.requests;
    expect(pathsOf(ZCommandsResponse, { commands: [bad] })).toEqual(["commands.0.payload.workload.requests"]);
  });

  it("set_routing needs a field and refuses a literal secret", () => {
    expect(pathsOf(ZCommandsResponse, { commands: [{ ...base, type: "set_routing", payload: {} }] })).toEqual([
      "commands.0.payload",
    ]);
    expect(
      pathsOf(ZCommandsResponse, {
        commands: [{ ...base, type: "set_routing", payload: { serverlessAuthTokenRef: "sk-live-abc" } }],
      }),
    ).toEqual(["commands.0.payload.serverlessAuthTokenRef"]);
    expect(
      pathsOf(ZCommandsResponse, { commands: [{ ...base, type: "set_routing", payload: { spotUrl: "ftp://x" } }] }),
    ).toEqual(["commands.0.payload.spotUrl"]);
  });

  it("report bounds: negative seq, completed > total, too many usage lines, bad time", () => {
    const report = {
      epoch: 1,
      seq: -1,
      at: "yesterday",
      state: "running",
      progress: { completed: 5, total: 4, unit: "chunks" },
      usage: Array.from({ length: 65 }, () => ({ component: "spot", seconds: 1, costUsd: 1 })),
    };
    expect(pathsOf(ZAssignmentReport, report).sort()).toEqual(["at", "progress.completed", "seq", "usage"]);
  });

  it("a report may not carry two lines for one component and GPU type (each is one cumulative counter)", () => {
    const line = (seconds: number) => ({ component: "spot", gpuType: "L4", seconds, costUsd: 0 });
    const report = { epoch: 1, seq: 0, at: AT, state: "running", usage: [line(100), line(99)] };
    expect(pathsOf(ZAssignmentReport, report)).toEqual(["usage"]);
    const twoGpus = { ...report, usage: [line(100), { ...line(5), gpuType: "H100-SXM" }] };
    expect(ZAssignmentReport.safeParse(twoGpus).success).toBe(true);
  });

  it("pool with available > total, oversize event payload, too many events", () => {
    const pool = { id: "p", gpuType: "L4", market: "spot", total: 1, available: 2, quota: null, pricePerGpuHour: 1 };
    expect(
      pathsOf(ZHeartbeatRequest, {
        sentAt: AT,
        inventory: { collectedAt: AT, pools: [pool] },
        assignments: [],
        metrics: {
          uptimeSeconds: 0,
          spoolPending: 0,
          spoolOldestAgeSeconds: null,
          engineReachable: true,
          lastEngineError: null,
        },
      }),
    ).toEqual(["inventory.pools.0.available"]);
    const event = {
      eventId: "e",
      at: AT,
      type: "launching",
      detail: "",
      engineRef: null,
      source: "agent",
      payload: { big: "x".repeat(70_000) },
    };
    expect(pathsOf(ZEventsRequest, { events: [event] })).toEqual(["events.0.payload"]);
    expect(pathsOf(ZEventsRequest, { events: [] })).toEqual(["events"]);
  });

  it("ids must be bounded and URL-safe", () => {
    expect(pathsOf(ZAckRequest, { assignmentId: "a/b", epoch: 1, status: "completed", detail: "", at: AT })).toEqual([
      "assignmentId",
    ]);
    expect(
      pathsOf(ZAckRequest, { assignmentId: "a".repeat(129), epoch: 1, status: "done", detail: "", at: AT }).sort(),
    ).toEqual(["assignmentId", "status"]);
  });
});
