import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { ackCommand } from "../agents/ack-command.ts";
import { commandWakeups } from "../agents/command-wakeups.ts";
import { claimCommands } from "../agents/lease-commands.ts";
import { dropOutboxRows, orgWithAgent } from "../workloads/test-fixtures.ts";
import { getOnlineService } from "./get-online-service.ts";
import { planOnlineService } from "./plan-online-service.ts";
import { runningChatService, tunaL4Pools } from "./test-fixtures.ts";

afterAll(async () => {
  await dropOutboxRows();
  await commandWakeups().stop();
});

describe("getOnlineService", () => {
  it("says when Tuna refused the scaling policy Koi decided, until a later one is taken", async () => {
    const { org, agentId } = await orgWithAgent(tunaL4Pools);
    const { workload } = await runningChatService(org.id, agentId);
    expect(await planOnlineService(workload.id)).toMatchObject({ outcome: "decided" });
    const [setScaling] = await claimCommands(agentId);
    expect(setScaling?.type).toBe("set_scaling");
    const view = async () => getOnlineService(await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } }));
    expect((await view())?.policyRefused).toBeNull(); // sent, not answered yet

    const refusal = "this Tuna router takes no scaling policy while it runs";
    await ackCommand(org.id, agentId, setScaling!.id, { status: "rejected", detail: refusal });
    const refused = await view();
    expect(refused?.policy).not.toBeNull();
    expect(refused?.policyRefused).toMatchObject({ detail: refusal, at: expect.any(Date) });

    // The next policy Tuna takes clears it.
    await prisma.command.create({
      data: {
        orgId: org.id,
        agentId,
        assignmentId: setScaling!.assignmentId,
        type: "set_scaling",
        payload: setScaling!.payload as object,
        epoch: setScaling!.epoch,
        status: "COMPLETED",
      },
    });
    expect((await view())?.policyRefused).toBeNull();
  });
});
