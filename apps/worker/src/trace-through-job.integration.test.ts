import { randomBytes } from "node:crypto";
import { commandWakeups } from "@koi/services/agents/command-wakeups";
import { pollCommands } from "@koi/services/agents/lease-commands";
import { submitWorkload } from "@koi/services/workloads/submit-workload";
import { batchSubmission, dropOutboxRows, h100Pool, orgWithAgent } from "@koi/services/workloads/test-fixtures";
import { redisPrefix } from "@koi/core/redis";
import { startTestTracing, type TTestTracing } from "@koi/core/tracing/test-tracing";
import { inSpan, SpanKind } from "@koi/core/tracing/trace-context";
import { prisma } from "@koi/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerRuntime, type TWorkerRuntime } from "./start-worker-runtime.ts";
import { testLog } from "./testing/test-log.ts";
import { waitFor } from "./testing/wait-for.ts";

let tracing: TTestTracing;
let runtime: TWorkerRuntime;

beforeAll(async () => {
  tracing = startTestTracing();
  runtime = await startWorkerRuntime({
    db: prisma,
    log: testLog,
    prefix: `${redisPrefix()}-trace-${randomBytes(3).toString("hex")}`,
    mail: { appUrl: "http://localhost:3000", from: "Koi <no-reply@koi.test>", mailer: null },
    healthPort: null,
    relay: { intervalMs: 50 },
    redisWipeRecovery: false,
  });
});

afterAll(async () => {
  await runtime.stop();
  await dropOutboxRows();
  await commandWakeups().stop();
  await tracing.stop();
});

describe("one trace from the request to the agent", () => {
  it("request → outbox row → relay → plan-workload job → deploy command → agent's long-poll share one trace id", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(64)]);
    // What withApiKey does for POST /api/v1/workloads: a server span around the same service call.
    const workload = await inSpan("POST /api/v1/workloads", { kind: SpanKind.SERVER }, () =>
      submitWorkload({ orgId: org.id, actorUserId: null, via: "api", submission: batchSubmission() }),
    );
    const row = await prisma.outboxEvent.findFirstOrThrow({ where: { orgId: org.id, jobName: "plan-workload" } });
    expect(row.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const command = await waitFor(
      () =>
        prisma.command.findFirst({ where: { orgId: org.id, type: "deploy", assignment: { workloadId: workload.id } } }),
      20_000,
      "the deploy command",
    );
    expect(command.traceparent).toMatch(/^00-/);
    // The job's span ends when its handler returns, a moment after the command committed.
    await waitFor(
      async () =>
        tracing.exporter
          .getFinishedSpans()
          .find((s) => s.name === "job plan-workload" && s.attributes["koi.job.id"] === row.jobId),
      10_000,
      "the job's span",
    );
    const received = await pollCommands(org.id, agentId, 0);
    expect(received.map((c) => c.id)).toContain(command.id);

    const spans = tracing.exporter.getFinishedSpans();
    // Ours, by job and command id: the relay also publishes rows other test files left in the outbox.
    const named = (name: string, attribute?: [string, string]) =>
      spans.find((s) => s.name === name && (!attribute || s.attributes[attribute[0]] === attribute[1]));
    const request = named("POST /api/v1/workloads")!;
    const publish = named("outbox publish plan-workload", ["koi.job.id", row.jobId])!;
    const job = named("job plan-workload", ["koi.job.id", row.jobId])!;
    const delivered = named("command deploy received", ["koi.command.id", command.id])!;
    const names = spans.map((s) => s.name);
    for (const span of [request, publish, job, delivered]) expect(span, names.join(", ")).toBeDefined();
    const traceId = request.spanContext().traceId;
    expect(new Set([publish, job, delivered].map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]));
    // Each hop is the child of the one before it.
    expect(publish.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(job.parentSpanContext?.spanId).toBe(publish.spanContext().spanId);
    expect(delivered.parentSpanContext?.spanId).toBe(job.spanContext().spanId);
    expect(job.attributes["koi.queue"]).toBe("workloads");
    expect(delivered.attributes["koi.command.id"]).toBe(command.id);
  });
});
