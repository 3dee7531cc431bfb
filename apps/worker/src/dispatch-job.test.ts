import { logger } from "@koi/core/logger";
import type { PrismaClient } from "@koi/db";
import { UnrecoverableError } from "bullmq";
import { describe, expect, it, vi } from "vitest";
import { dispatchJob } from "./dispatch-job.ts";
import type { TJobHandlers } from "./job-handlers.ts";

const ctx = {
  db: {} as PrismaClient,
  log: logger,
  mail: { appUrl: "http://localhost:3000", from: "Koi <k@koi.test>", mailer: null },
};

function fakeHandlers() {
  return {
    "send-waitlist-confirmation": vi.fn(async () => undefined),
    "send-invitation": vi.fn(async () => undefined),
    "start-password-reset": vi.fn(async () => undefined),
    "send-password-reset": vi.fn(async () => undefined),
    "mark-offline-agents": vi.fn(async () => undefined),
    "announce-expired-leases": vi.fn(async () => undefined),
    "plan-workload": vi.fn(async () => undefined),
    "complete-workload": vi.fn(async () => undefined),
    "rebalance-for-workload": vi.fn(async () => undefined),
    "replan-workload": vi.fn(async () => undefined),
    "notify-org": vi.fn(async () => undefined),
    "forecast-workloads": vi.fn(async () => undefined),
    "reconcile-workloads": vi.fn(async () => undefined),
    "plan-online-services": vi.fn(async () => undefined),
    "purge-mail-messages": vi.fn(async () => undefined),
  } satisfies TJobHandlers;
}

describe("dispatchJob", () => {
  it("runs the handler of the job's name with the parsed payload and the job id", async () => {
    const handlers = fakeHandlers();
    await dispatchJob(
      handlers,
      { name: "send-invitation", data: { invitationId: "inv_1" }, jobId: "invite-inv_1", attemptsMade: 2 },
      ctx,
    );
    expect(handlers["send-invitation"]).toHaveBeenCalledWith(
      { invitationId: "inv_1" },
      expect.objectContaining({ jobId: "invite-inv_1", attemptsMade: 2 }),
    );
    expect(handlers["send-password-reset"]).not.toHaveBeenCalled();
  });

  it.each([
    ["a missing field", { name: "send-invitation", data: {} }],
    ["a wrong type", { name: "send-password-reset", data: { resetId: 42 } }],
    ["an extra field (strict schema)", { name: "send-waitlist-confirmation", data: { entryId: "wl_1", token: "x" } }],
    ["no payload at all", { name: "send-invitation", data: null }],
    ["an unknown job name", { name: "send-carrier-pigeon", data: {} }],
  ])("fails without retry on %s", async (_label, job) => {
    const handlers = fakeHandlers();
    const run = dispatchJob(handlers, { ...job, jobId: "j", attemptsMade: 0 }, ctx);
    await expect(run).rejects.toBeInstanceOf(UnrecoverableError);
    for (const h of Object.values(handlers)) expect(h).not.toHaveBeenCalled();
  });

  it("lets a handler's own error through so BullMQ retries it", async () => {
    const handlers = fakeHandlers();
    handlers["send-invitation"].mockRejectedValueOnce(new Error("smtp down"));
    const run = dispatchJob(
      handlers,
      { name: "send-invitation", data: { invitationId: "inv_1" }, jobId: "j", attemptsMade: 0 },
      ctx,
    );
    await expect(run).rejects.toThrow("smtp down");
    await expect(run).rejects.not.toBeInstanceOf(UnrecoverableError);
  });
});
