import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestTracing, type TTestTracing } from "@koi/core/tracing/test-tracing";
import { inSpan } from "@koi/core/tracing/trace-context";
import { commandWakeups } from "./command-wakeups.ts";
import { issueCommand } from "./issue-command.ts";
import { pollCommands } from "./lease-commands.ts";
import { agentWithAssignment } from "./test-fixtures.ts";

// With tracing on (spans kept in memory): a command continues the trace of whatever wrote it, up
// to its agent's poll (apps/worker's trace-through-job test follows a whole request this way).

let tracing: TTestTracing;

beforeAll(() => {
  tracing = startTestTracing();
});

beforeEach(() => tracing.exporter.reset());

afterAll(async () => {
  await commandWakeups().stop();
  await tracing.stop();
});

describe("a command's trace", () => {
  it("a command written in a trace carries it, and its agent's poll marks `command <type> received` there", async () => {
    const { org, agentId, assignment } = await agentWithAssignment();
    const request = "POST /api/v1/workloads/:id/scale";
    const { command, traceId, spanId } = await inSpan(request, {}, async (span) => ({
      command: await issueCommand({ orgId: org.id, assignmentId: assignment.id, type: "scale", payload: { count: 2 } }),
      ...span.spanContext(),
    }));
    expect(command.traceparent).toBe(`00-${traceId}-${spanId}-01`);

    expect((await pollCommands(org.id, agentId, 0)).map((c) => c.id)).toEqual([command.id]);
    expect(
      tracing.exporter
        .getFinishedSpans()
        .filter((s) => s.name !== request)
        .map((s) => ({
          name: s.name,
          traceId: s.spanContext().traceId,
          parent: s.parentSpanContext?.spanId,
          attributes: s.attributes,
        })),
    ).toEqual([
      {
        name: "command scale received",
        traceId,
        parent: spanId,
        attributes: {
          "koi.command.id": command.id,
          "koi.command.type": "scale",
          "koi.agent.id": agentId,
          "koi.command.attempt": 1,
        },
      },
    ]);
  });

  it("a command written outside any trace has none, and marks nothing when its agent receives it", async () => {
    const { org, agentId, assignment } = await agentWithAssignment();
    const command = await issueCommand({ orgId: org.id, assignmentId: assignment.id, type: "stop", payload: {} });
    expect(command.traceparent).toBeNull();
    expect((await pollCommands(org.id, agentId, 0)).map((c) => c.id)).toEqual([command.id]);
    expect(tracing.exporter.getFinishedSpans()).toEqual([]);
  });
});
