import { afterAll, describe, expect, it } from "vitest";
import { commandAcks, longPolls, longPollsHeld } from "@koi/core/metrics/koi-metrics";
import { prisma } from "@koi/db";
import { ackCommand } from "./ack-command.ts";
import { commandWakeups } from "./command-wakeups.ts";
import { announceExpiredLeases } from "./announce-expired-leases.ts";
import { issueCommand } from "./issue-command.ts";
import { claimCommands, COMMAND_LEASE_SECONDS, pollCommands } from "./lease-commands.ts";
import { agentWithAssignment } from "./test-fixtures.ts";
import { toCommandMessage } from "./to-command-message.ts";
import { deployedWorkload, dropOutboxRows, h100Pool, orgWithAgent } from "../workloads/test-fixtures.ts";

// What an ack and a lease write, field by field (engine-protocol.integration.test.ts covers the
// protocol's round trips: stale epochs, redelivery, wake-ups).

afterAll(async () => {
  await commandWakeups().stop();
  await dropOutboxRows();
});

async function setup() {
  const { org, agentId, assignment } = await agentWithAssignment();
  const command = await issueCommand({ orgId: org.id, assignmentId: assignment.id, type: "stop", payload: {} });
  return { org, agentId, assignment, command };
}

const acks = async (status: string) =>
  (await commandAcks.get()).values.find((v) => v.labels.status === status)?.value ?? 0;
const polls = async (outcome: string) =>
  (await longPolls.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

describe("ackCommand", () => {
  it("only a deploy's ack moves its workload: a failed stop of a running workload leaves it running", async () => {
    const { org, agentId } = await orgWithAgent([h100Pool(8)]);
    const { workload, assignment } = await deployedWorkload(org.id, agentId);
    expect((await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } })).status).toBe("RUNNING");
    const stop = await issueCommand({ orgId: org.id, assignmentId: assignment.id, type: "stop", payload: {} });
    await ackCommand(org.id, agentId, stop.id, { status: "failed", detail: "engine said no" });
    expect((await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } })).status).toBe("RUNNING");
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).state).toBe("running");
    expect(await prisma.assignment.count({ where: { workloadId: workload.id } })).toBe(1);
  });

  it("stores the status, detail and engine ref, clears the lease, and gives the assignment the engine ref", async () => {
    const { org, agentId, assignment, command } = await setup();
    await claimCommands(agentId);
    const before = await acks("accepted");
    await expect(
      ackCommand(org.id, agentId, command.id, { status: "accepted", detail: "queued", engineRef: "job-7" }),
    ).resolves.toEqual({ commandId: command.id, status: "ACCEPTED", duplicate: false });
    expect(await prisma.command.findUniqueOrThrow({ where: { id: command.id } })).toMatchObject({
      status: "ACCEPTED",
      ackDetail: "queued",
      engineRef: "job-7",
      leaseExpiresAt: null,
    });
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).engineRef).toBe("job-7");
    expect(await acks("accepted")).toBe(before + 1);
  });

  it("a later ack without an engine ref keeps the one the command has, and stores no detail", async () => {
    const { org, agentId, assignment, command } = await setup();
    await ackCommand(org.id, agentId, command.id, { status: "accepted", detail: "queued", engineRef: "job-7" });
    await prisma.assignment.update({ where: { id: assignment.id }, data: { engineRef: "moved" } });
    await ackCommand(org.id, agentId, command.id, { status: "completed" });
    expect(await prisma.command.findUniqueOrThrow({ where: { id: command.id } })).toMatchObject({
      status: "COMPLETED",
      ackDetail: null,
      engineRef: "job-7",
    });
    // No engine ref in the ack: the assignment's is left alone.
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).engineRef).toBe("moved");
  });

  it("the same terminal status again is a duplicate that writes and counts nothing", async () => {
    const { org, agentId, command } = await setup();
    await ackCommand(org.id, agentId, command.id, { status: "failed", detail: "out of memory" });
    const counted = await acks("failed");
    await expect(ackCommand(org.id, agentId, command.id, { status: "failed", detail: "again" })).resolves.toEqual({
      commandId: command.id,
      status: "FAILED",
      duplicate: true,
    });
    expect((await prisma.command.findUniqueOrThrow({ where: { id: command.id } })).ackDetail).toBe("out of memory");
    expect(await acks("failed")).toBe(counted);
  });

  it.each(["completed", "rejected", "failed"] as const)(
    "after %s another status is a conflict, with nothing written",
    async (first) => {
      const { org, agentId, command } = await setup();
      await ackCommand(org.id, agentId, command.id, { status: first });
      const other = first === "completed" ? "failed" : "completed";
      await expect(ackCommand(org.id, agentId, command.id, { status: other })).rejects.toMatchObject({
        code: "CONFLICT",
        message: `Command is already ${first}.`,
      });
      expect((await prisma.command.findUniqueOrThrow({ where: { id: command.id } })).status).toBe(first.toUpperCase());
    },
  );

  it("accepted twice is no duplicate (only terminal statuses are final), and a cancelled command takes no ack", async () => {
    const { org, agentId, command } = await setup();
    await ackCommand(org.id, agentId, command.id, { status: "accepted" });
    await expect(ackCommand(org.id, agentId, command.id, { status: "accepted" })).resolves.toMatchObject({
      duplicate: false,
    });
    await prisma.command.update({ where: { id: command.id }, data: { status: "CANCELLED" } });
    await expect(ackCommand(org.id, agentId, command.id, { status: "completed" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Command is already cancelled.",
    });
  });

  it("answers NOT_FOUND for an unknown command and for another agent's or org's", async () => {
    const { org, agentId, command } = await setup();
    const other = await setup();
    await expect(ackCommand(org.id, agentId, "no-such-command", { status: "completed" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No such command.",
    });
    await expect(ackCommand(org.id, other.agentId, command.id, { status: "completed" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(ackCommand(other.org.id, agentId, command.id, { status: "completed" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await prisma.command.findUniqueOrThrow({ where: { id: command.id } })).status).toBe("PENDING");
  });

  it("a command of an older epoch than its assignment's is refused with the stale_epoch code", async () => {
    const { org, agentId, assignment, command } = await setup();
    await prisma.assignment.update({ where: { id: assignment.id }, data: { epoch: 3 } });
    await expect(ackCommand(org.id, agentId, command.id, { status: "completed" })).rejects.toMatchObject({
      code: "CONFLICT",
      publicCode: "stale_epoch",
      message: "Stale epoch 1; the assignment is at epoch 3.",
    });
  });
});

describe("claimCommands / pollCommands", () => {
  it("leases what it claims for 60 s and counts the attempt", async () => {
    const { agentId, command } = await setup();
    const now = new Date("2030-01-01T00:00:00Z");
    const [claimed] = await claimCommands(agentId, now);
    expect(claimed).toMatchObject({ id: command.id, status: "LEASED", attempts: 1 });
    expect(claimed!.leaseExpiresAt).toEqual(new Date(now.getTime() + COMMAND_LEASE_SECONDS * 1000));
    expect(COMMAND_LEASE_SECONDS).toBe(60);
  });

  it("claims at most 20 commands a poll, and answers them oldest first", async () => {
    const { org, agentId, assignment, command } = await setup();
    for (let i = 0; i < 20; i++)
      await issueCommand({ orgId: org.id, assignmentId: assignment.id, type: "scale", payload: { count: i + 1 } });
    const first = await pollCommands(org.id, agentId, 0);
    expect(first).toHaveLength(20);
    expect(first[0]!.id).toBe(command.id);
    const times = first.map((c) => c.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(await pollCommands(org.id, agentId, 0)).toHaveLength(1);
  });

  it("answers at once, empty, when told not to wait or when the request is gone", async () => {
    const { org, agentId } = await setup();
    await claimCommands(agentId);
    const empty = await polls("empty");
    const held = (await longPollsHeld.get()).values[0]?.value ?? 0;
    const started = Date.now();
    expect(await pollCommands(org.id, agentId, 0)).toEqual([]);
    expect(await polls("empty")).toBe(empty + 1);
    const aborted = await polls("aborted");
    expect(await pollCommands(org.id, agentId, 5, AbortSignal.abort())).toEqual([]);
    expect(await polls("aborted")).toBe(aborted + 1);
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await longPollsHeld.get()).values[0]?.value ?? 0).toBe(held);
  });

  it("a poll nobody wakes answers empty when its wait is over", async () => {
    const { org, agentId } = await setup();
    await claimCommands(agentId);
    const empty = await polls("empty");
    const started = Date.now();
    expect(await pollCommands(org.id, agentId, 1)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(await polls("empty")).toBe(empty + 1);
  });

  it("counts a poll that found commands", async () => {
    const { org, agentId } = await setup();
    const before = await polls("commands");
    expect(await pollCommands(org.id, agentId, 5)).toHaveLength(1);
    expect(await polls("commands")).toBe(before + 1);
  });
});

describe("announceExpiredLeases / toCommandMessage", () => {
  it("wakes a waiting poll when a lease it holds runs out, which then redelivers the command", async () => {
    const { org, agentId, command } = await setup();
    // Leased 59 s ago: the lease runs out a second into the poll below, which nothing else wakes.
    await claimCommands(agentId, new Date(Date.now() - (COMMAND_LEASE_SECONDS - 1) * 1000));
    const started = Date.now();
    const polled = pollCommands(org.id, agentId, 20);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await announceExpiredLeases()).toBeGreaterThanOrEqual(1);
    const [redelivered] = await polled;
    expect(redelivered).toMatchObject({ id: command.id, attempts: 2 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("sends a command row as the protocol's message", async () => {
    const { assignment, command } = await setup();
    expect(toCommandMessage(command)).toEqual({
      type: "stop",
      commandId: command.id,
      assignmentId: assignment.id,
      epoch: assignment.epoch,
      leaseExpiresAt: expect.any(String),
      payload: {},
    });
    const [leased] = await claimCommands(command.agentId, new Date("2030-01-01T00:00:00Z"));
    expect(toCommandMessage(leased!).leaseExpiresAt).toBe("2030-01-01T00:01:00.000Z");
  });
});
