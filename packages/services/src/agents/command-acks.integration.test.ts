import { afterAll, describe, expect, it } from "vitest";
import { commandAcks, commandsIssued, longPolls, longPollsHeld } from "@koi/core/metrics/koi-metrics";
import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { ackCommand } from "./ack-command.ts";
import { commandWakeups } from "./command-wakeups.ts";
import { announceExpiredLeases } from "./announce-expired-leases.ts";
import { issueCommand, writeCommand } from "./issue-command.ts";
import { claimCommands, COMMAND_LEASE_SECONDS, pollCommands } from "./lease-commands.ts";
import { agentWithAssignment, recordWakeupsPerTest } from "./test-fixtures.ts";
import { toCommandMessage } from "./to-command-message.ts";
import { planWorkload } from "../workloads/plan-workload.ts";
import { submitWorkload } from "../workloads/submit-workload.ts";
import {
  a100Pool,
  batchSubmission,
  deployedWorkload,
  dropOutboxRows,
  h100Pool,
  holdOrgPlanningLock,
  orgWithAgent,
} from "../workloads/test-fixtures.ts";

// What an ack and a lease write, field by field (engine-protocol.integration.test.ts covers the
// protocol's round trips: stale epochs, redelivery, wake-ups).

afterAll(async () => {
  await commandWakeups().stop();
  await dropOutboxRows();
});

const wakeups = recordWakeupsPerTest();

async function setup() {
  const { org, agentId, assignment } = await agentWithAssignment();
  const command = await issueCommand({ orgId: org.id, assignmentId: assignment.id, type: "stop", payload: {} });
  return { org, agentId, assignment, command };
}

const acks = async (status: string) =>
  (await commandAcks.get()).values.find((v) => v.labels.status === status)?.value ?? 0;
const polls = async (outcome: string) =>
  (await longPolls.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
const issued = async (type: string) =>
  (await commandsIssued.get()).values.find((v) => v.labels.type === type)?.value ?? 0;

/** A planned batch workload whose deploy the org's only agent has claimed (not acked yet). */
async function claimedDeploy() {
  const { org, agentId } = await orgWithAgent([h100Pool(16), a100Pool(16)]);
  const workload = await submitWorkload({
    orgId: org.id,
    actorUserId: null,
    via: "api",
    submission: batchSubmission(),
  });
  await planWorkload(workload.id);
  const [deploy] = await claimCommands(agentId);
  return { org, agentId, workload, deploy: deploy! };
}

/** Resolves once a session waits for an advisory lock (an org's planning lock). */
async function waitingForPlanningLock() {
  await expect
    .poll(
      async () =>
        (
          await prisma.$queryRaw<{ n: number }[]>`
            SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`
        )[0]!.n,
      { timeout: 5_000, interval: 20 },
    )
    .toBe(1);
}

/** Whether `work` settles within 5 s (it never does while it waits for a lock that is held). */
const settlesAtOnce = (work: Promise<unknown>) =>
  Promise.race([work.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 5_000))]);

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

  it("refuses an ack naming another assignment or epoch than its command's, writing nothing", async () => {
    const { org, agentId, assignment, command } = await setup();
    await expect(
      ackCommand(org.id, agentId, command.id, { status: "completed", assignmentId: "asg_someone_else", epoch: 1 }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/names assignment asg_someone_else/),
    });
    await expect(
      ackCommand(org.id, agentId, command.id, { status: "completed", assignmentId: assignment.id, epoch: 3e9 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "The ack's epoch 3000000000 is not the command's (1)." });
    expect((await prisma.command.findUniqueOrThrow({ where: { id: command.id } })).status).toBe("PENDING");
    await expect(
      ackCommand(org.id, agentId, command.id, { status: "completed", assignmentId: assignment.id, epoch: 1 }),
    ).resolves.toMatchObject({ status: "COMPLETED" });
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
  it("a rejected deploy that fails over wakes the agent of the new deploy once committed; a stop's ack wakes nobody", async () => {
    const { org, agentId, workload, deploy } = await claimedDeploy();
    await wakeups.take(); // the first deploy's
    await ackCommand(org.id, agentId, deploy.id, { status: "rejected", detail: "no capacity" });
    const failover = await prisma.command.findFirstOrThrow({ where: { orgId: org.id, status: "PENDING" } });
    expect(failover).toMatchObject({ type: "deploy", agentId });
    expect(await wakeups.take()).toEqual([agentId]);
    const { assignmentId } = failover;
    const stop = await issueCommand({ orgId: org.id, assignmentId: assignmentId!, type: "stop", payload: {} });
    await wakeups.take();
    await ackCommand(org.id, agentId, stop.id, { status: "completed" });
    expect(await wakeups.take()).toEqual([]);
    expect((await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } })).status).toBe("DISPATCHING");
  });

  it("a deploy accepted again is no second deploy ack: a workload dispatching anew is not moved to RUNNING by it", async () => {
    const { org, agentId, workload, deploy } = await claimedDeploy();
    await ackCommand(org.id, agentId, deploy.id, { status: "accepted" });
    expect((await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } })).status).toBe("RUNNING");
    // Another deploy of the workload under way (dispatchPlan moves it to DISPATCHING), and the
    // first one's accepted ack is sent again (a retry).
    await prisma.workload.update({ where: { id: workload.id }, data: { status: "DISPATCHING" } });
    await expect(ackCommand(org.id, agentId, deploy.id, { status: "accepted" })).resolves.toMatchObject({
      status: "ACCEPTED",
      duplicate: false,
    });
    expect((await prisma.workload.findUniqueOrThrow({ where: { id: workload.id } })).status).toBe("DISPATCHING");
  });

  it("a rejected deploy waits for a planning run in its org (it may fail over), then fails over", async () => {
    const { org, agentId, workload, deploy } = await claimedDeploy();
    const planner = await holdOrgPlanningLock(org.id);
    const acked = ackCommand(org.id, agentId, deploy.id, { status: "rejected" });
    await waitingForPlanningLock();
    await planner.release();
    await expect(acked).resolves.toMatchObject({ status: "REJECTED" });
    expect(await prisma.assignment.count({ where: { workloadId: workload.id } })).toBe(2);
  });

  it("an accepted deploy, or a failed stop, does not wait for a planning run in its org", async () => {
    const { org, agentId, deploy } = await claimedDeploy();
    const planner = await holdOrgPlanningLock(org.id);
    try {
      expect(await settlesAtOnce(ackCommand(org.id, agentId, deploy.id, { status: "accepted" }))).toBe(true);
      const stop = await issueCommand({ orgId: org.id, assignmentId: deploy.assignmentId!, type: "stop", payload: {} });
      expect(await settlesAtOnce(ackCommand(org.id, agentId, stop.id, { status: "failed" }))).toBe(true);
    } finally {
      await planner.release();
    }
  });

  it("a deploy deleted while its failed ack waited for the org's planning lock is NOT_FOUND", async () => {
    const { org, agentId, deploy } = await claimedDeploy();
    const planner = await holdOrgPlanningLock(org.id);
    const acked = ackCommand(org.id, agentId, deploy.id, { status: "failed" }).catch((e: unknown) => e);
    // The ack has read the command and waits for the lock.
    await waitingForPlanningLock();
    await prisma.command.delete({ where: { id: deploy.id } });
    await planner.release();
    expect(await acked).toMatchObject({ code: "NOT_FOUND", message: "No such command." });
  });

  it("a deploy command without an assignment is acked like any other command, moving no workload", async () => {
    const { org, agentId } = await agentWithAssignment();
    const command = await prisma.command.create({
      data: { orgId: org.id, agentId, type: "deploy", payload: {}, epoch: 1 },
    });
    await expect(ackCommand(org.id, agentId, command.id, { status: "failed" })).resolves.toEqual({
      commandId: command.id,
      status: "FAILED",
      duplicate: false,
    });
  });
});

describe("issueCommand", () => {
  it("writes nothing for an assignment that is not the org's, NOT_FOUND", async () => {
    const { org, assignment } = await agentWithAssignment();
    const other = await createTestOrg();
    for (const [orgId, assignmentId] of [
      [other.id, assignment.id],
      [org.id, "no-such-assignment"],
    ] as const)
      await expect(issueCommand({ orgId, assignmentId, type: "stop", payload: {} })).rejects.toMatchObject({
        code: "NOT_FOUND",
        message: "No such assignment.",
      });
    expect(await prisma.command.count({ where: { assignmentId: assignment.id } })).toBe(0);
  });

  it("counts each command issued by its type", async () => {
    const { org, assignment } = await agentWithAssignment();
    const [scales, stops] = [await issued("scale"), await issued("stop")];
    await issueCommand({ orgId: org.id, assignmentId: assignment.id, type: "scale", payload: { count: 2 } });
    expect([await issued("scale"), await issued("stop")]).toEqual([scales + 1, stops]);
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

  it("a wait that ends without a wake-up answers empty: a command written meanwhile unannounced waits for the next poll", async () => {
    const { org, agentId, assignment } = await setup();
    await claimCommands(agentId);
    const polled = pollCommands(org.id, agentId, 1);
    await new Promise((r) => setTimeout(r, 300));
    // Written without its wake-up (as if the publish was lost).
    const quiet = await prisma.$transaction((tx) =>
      writeCommand(tx, { orgId: org.id, assignmentId: assignment.id, type: "pause", payload: {} }),
    );
    expect(await polled).toEqual([]);
    expect((await prisma.command.findUniqueOrThrow({ where: { id: quiet.id } })).status).toBe("PENDING");
    expect((await pollCommands(org.id, agentId, 0)).map((c) => c.id)).toEqual([quiet.id]);
  });

  it("a poll given up while it waits answers empty and is counted as aborted", async () => {
    const { org, agentId } = await setup();
    await claimCommands(agentId);
    const [aborted, empty] = [await polls("aborted"), await polls("empty")];
    const abort = new AbortController();
    const polled = pollCommands(org.id, agentId, 20, abort.signal);
    await new Promise((r) => setTimeout(r, 300));
    abort.abort();
    expect(await polled).toEqual([]);
    expect([await polls("aborted"), await polls("empty")]).toEqual([aborted + 1, empty]);
  });

  it("another org's agent is NOT_FOUND: No such agent", async () => {
    const { agentId } = await setup();
    const other = await createTestOrg();
    await expect(pollCommands(other.id, agentId, 0)).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No such agent.",
    });
    expect(await prisma.command.count({ where: { agentId, status: "LEASED" } })).toBe(0);
  });
});

describe("announceExpiredLeases / toCommandMessage", () => {
  it("wakes every agent with an expired lease, once however many expired; none whose lease is live or whose command is not leased", async () => {
    const expiredAt = new Date(Date.now() - 2 * COMMAND_LEASE_SECONDS * 1000);
    const twice = await setup();
    await issueCommand({ orgId: twice.org.id, assignmentId: twice.assignment.id, type: "pause", payload: {} });
    await claimCommands(twice.agentId, expiredAt);
    const once = await setup();
    await claimCommands(once.agentId, expiredAt);
    const live = await setup();
    await claimCommands(live.agentId);
    const pending = await setup();
    const acked = await setup();
    await claimCommands(acked.agentId, expiredAt);
    await prisma.command.update({ where: { id: acked.command.id }, data: { status: "ACCEPTED" } });
    await wakeups.take();
    const mine = [twice.agentId, once.agentId, live.agentId, pending.agentId, acked.agentId];
    const announced = await announceExpiredLeases();
    // Earlier tests' expired leases are announced too: one wake-up per agent, as many as it counts.
    const woken = await wakeups.take();
    expect(woken.filter((id) => mine.includes(id)).sort()).toEqual([twice.agentId, once.agentId].sort());
    expect(woken).toHaveLength(announced);
    expect(new Set(woken).size).toBe(woken.length);
  });

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
