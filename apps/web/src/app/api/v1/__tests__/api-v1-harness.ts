import { randomInt } from "node:crypto";
import { CLIENT_IP_HEADER } from "@koi/auth/client-ip";
import { createApiKey } from "@koi/auth/api-keys/manage-api-keys";
import type { TApiKeyScope } from "@koi/auth/api-keys/api-key-scopes";
import { registration } from "@koi/services/agents/test-fixtures";
import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { POST as ack } from "../agents/[agentId]/commands/[commandId]/ack/route.ts";
import { GET as commands } from "../agents/[agentId]/commands/route.ts";
import { POST as events } from "../agents/[agentId]/events/route.ts";
import { POST as heartbeat } from "../agents/[agentId]/heartbeat/route.ts";
import { POST as register } from "../agents/register/route.ts";
import { POST as reports } from "../assignments/[assignmentId]/reports/route.ts";
import { POST as orca } from "../orca/job/[event]/route.ts";
import { POST as plan } from "../plan/route.ts";
import { POST as cancelWorkload } from "../workloads/[workloadId]/cancel/route.ts";
import { GET as getWorkload } from "../workloads/[workloadId]/route.ts";
import { GET as listWorkloads, POST as submitWorkload } from "../workloads/route.ts";

type THandler = (request: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type TRoute = {
  name: string;
  handler: THandler;
  params: Record<string, string>;
  body?: unknown;
  method?: string;
  path?: string;
  ownsIds?: boolean;
  scope?: TApiKeyScope;
};

/** Calls a route handler the way Next.js does, without a server. */
export async function call(
  handler: THandler,
  opts: {
    method?: string;
    path?: string;
    params?: Record<string, string>;
    body?: unknown;
    rawBody?: string;
    key?: string | null;
    basic?: boolean;
    headers?: Record<string, string>;
  },
) {
  // Each call comes from its own address (as Koi's web server would stamp it), so per-IP limits
  // such as the wrong-key throttle never leak between tests; a test that wants one IP says so.
  const headers = new Headers({
    "content-type": "application/json",
    [CLIENT_IP_HEADER]: `198.18.${randomInt(256)}.${randomInt(256)}`,
    ...opts.headers,
  });
  if (opts.key)
    headers.set(
      "authorization",
      opts.basic ? `Basic ${Buffer.from(`koi:${opts.key}`).toString("base64")}` : `Bearer ${opts.key}`,
    );
  const method = opts.method ?? "POST";
  const body = method === "GET" ? undefined : (opts.rawBody ?? JSON.stringify(opts.body ?? {}));
  const request = new Request(`http://localhost:3000${opts.path ?? "/api/v1/test"}`, { method, headers, body });
  // Like Next.js: a route without dynamic segments gets `params` resolving to undefined.
  const params = (opts.params ?? undefined) as Record<string, string>;
  const response = await handler(request, { params: Promise.resolve(params) });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json, text };
}

export async function keyFor(orgId: string, scopes: TApiKeyScope[], extra: { expiresAt?: Date | null } = {}) {
  const { secret, key } = await createApiKey({
    orgId,
    actorUserId: null,
    name: `test ${scopes.join(",")}`,
    scopes,
    expiresAt: extra.expiresAt ?? null,
  });
  return { secret, id: key.id };
}

/** Org A with an agent, an assignment, a pending command and a running workload; org B with its own keys. */
export async function createTenants() {
  const orgA = await createTestOrg();
  const orgB = await createTestOrg();
  const engineA = await keyFor(orgA.id, ["engine"]);
  const engineB = await keyFor(orgB.id, ["engine"]);
  const reg = await call(register, { body: registration(), key: engineA.secret });
  const agentId = (reg.json as { agentId: string }).agentId;
  const assignment = await prisma.assignment.create({
    data: { orgId: orgA.id, agentId, state: "running", engineRef: "mo-test-0001" },
  });
  const command = await prisma.command.create({
    data: { orgId: orgA.id, agentId, assignmentId: assignment.id, type: "stop", payload: {}, epoch: 1 },
  });
  const workloadsA = await keyFor(orgA.id, ["workloads:read", "workloads:write"]);
  const workloadsB = await keyFor(orgB.id, ["workloads:read", "workloads:write"]);
  const workload = await prisma.workload.create({
    data: {
      orgId: orgA.id,
      name: "org A batch",
      kind: "batch",
      model: BATCH_SUBMISSION.model,
      spec: BATCH_SUBMISSION,
      status: "RUNNING",
      progressTotal: BATCH_SUBMISSION.requests,
      deadlineAt: new Date(Date.now() + 2 * 3_600_000),
    },
  });
  return {
    orgA,
    orgB,
    engineA,
    engineB,
    workloadsA,
    workloadsB,
    agentId,
    assignmentId: assignment.id,
    commandId: command.id,
    workloadId: workload.id,
  };
}

export const handlers = {
  register,
  heartbeat,
  commands,
  ack,
  events,
  reports,
  orca,
  listWorkloads,
  submitWorkload,
  getWorkload,
  cancelWorkload,
  plan,
};

export const BATCH_SUBMISSION = {
  kind: "batch",
  model: "meta-llama/Llama-3.1-8B-Instruct",
  requests: 1000,
  avgInputTokens: 500,
  avgOutputTokens: 200,
  deadlineHours: 4,
} as const;

export function validBodies(t: { assignmentId: string }) {
  const now = new Date().toISOString();
  return {
    register: registration(),
    heartbeat: {
      sentAt: now,
      inventory: {
        collectedAt: now,
        pools: [
          {
            id: "orca:us-east-1:spot:H100-SXM",
            gpuType: "H100-SXM",
            market: "spot",
            total: 16,
            available: 8,
            quota: 16,
            pricePerGpuHour: 2.5,
          },
        ],
      },
      assignments: [{ assignmentId: t.assignmentId, epoch: 1, state: "running", engineRef: null }],
      metrics: {
        uptimeSeconds: 10,
        spoolPending: 0,
        spoolOldestAgeSeconds: null,
        engineReachable: true,
        lastEngineError: null,
      },
    },
    ack: { assignmentId: t.assignmentId, epoch: 1, status: "accepted", detail: "ok", at: now },
    events: {
      events: [
        {
          eventId: `ev-${Math.random()}`,
          at: now,
          type: "replica_failed",
          reasonCode: "spot_preemption",
          detail: "preempted",
          engineRef: "mo-test-0001",
          source: "agent",
        },
      ],
    },
    reports: {
      epoch: 1,
      seq: 0,
      at: now,
      state: "running",
      progress: { completed: 1, total: 10, unit: "requests" },
      usage: [{ component: "spot", gpuType: "H100-SXM", seconds: 60, costUsd: 0.1 }],
    },
    submit: { ...BATCH_SUBMISSION, name: "fuzzed", budgetUsd: 100, allowedMarkets: ["spot", "on-demand"] },
    plan: BATCH_SUBMISSION,
    cancel: {},
    orca: {
      event_id: "job_complete:mo-test-0001",
      event_type: "job_complete",
      emitted_at: 1764201600,
      correlation_id: null,
      job_id: "mo-test-0001",
      group_id: "mo-test-0001",
      status: "succeeded",
      metrics: {},
    },
  };
}
