import { describe, expect, it } from "vitest";
import { ZLifecycleEvent } from "@koi/contracts";
import { ORCA_WEBHOOK_FIXTURES } from "@koi/contracts/orca/fixtures/orca-webhook-fixtures";
import { findUnsafeJson } from "@koi/contracts/safe-json";
import { legacyEventId, orcaWebhookToEvent } from "./orca-webhook-event.ts";

const RECEIVED = new Date("2026-01-01T12:00:00Z");

describe("Orca webhook → lifecycle event", () => {
  it.each(ORCA_WEBHOOK_FIXTURES.map((f) => [f.name, f] as const))(
    "%s becomes a valid event carrying the raw payload",
    (_name, fixture) => {
      const event = orcaWebhookToEvent(fixture.path, fixture.body, RECEIVED);
      expect(ZLifecycleEvent.safeParse(event).error).toBeUndefined();
      expect(event.payload).toEqual(fixture.body);
      expect(event.detail).not.toMatch(/does not match/);
      expect(event.engineRef).toBe(fixture.body.group_id ?? fixture.body.job_id);
    },
  );

  it("keeps Orca's event id, infers heartbeat_timeout for the watchdog, keeps the monitor's reason_code", () => {
    const watchdog = ORCA_WEBHOOK_FIXTURES.find((f) => f.name.startsWith("replica-failed from the watchdog"))!;
    expect(orcaWebhookToEvent(watchdog.path, watchdog.body, RECEIVED)).toMatchObject({
      eventId: "replica_failed:mo-qwen72b-a3f7-v2-r0@1767225600.125",
      reasonCode: "heartbeat_timeout",
      reasonCodeInferred: true,
      replicaId: "mo-qwen72b-a3f7-v2-r0",
      at: "2026-01-01T00:00:00.125Z",
    });
    const monitor = ORCA_WEBHOOK_FIXTURES.find((f) => f.name.startsWith("replica-failed from the monitor"))!;
    const event = orcaWebhookToEvent(monitor.path, monitor.body, RECEIVED);
    expect(event).toMatchObject({ reasonCode: "clean_exit_pending_chunks" });
    expect(event.reasonCodeInferred).toBeUndefined();
    const failed = ORCA_WEBHOOK_FIXTURES.find((f) => f.path === "/job/launch-failed")!;
    expect(orcaWebhookToEvent(failed.path, failed.body, RECEIVED)).toMatchObject({
      reasonCode: "launch_capacity_exhausted",
      engineRef: "mo-qwen72b-a3f7",
    });
  });

  it("tells a later job's event from an earlier one's with the same Orca id, and keeps retries one event", () => {
    // Orca's job ids carry 16 random bits per model, and its event ids are built from them.
    const started = ORCA_WEBHOOK_FIXTURES.find((f) => f.path === "/job/started")!;
    const first = orcaWebhookToEvent(started.path, started.body, RECEIVED);
    const retry = orcaWebhookToEvent(started.path, { ...started.body }, new Date(RECEIVED.getTime() + 60_000));
    const later = orcaWebhookToEvent(started.path, { ...started.body, emitted_at: 1767312000.5 }, RECEIVED);
    expect(retry.eventId).toBe(first.eventId);
    expect(later.eventId).not.toBe(first.eventId);
    expect(later.eventId).toBe(`${String(started.body.event_id)}@1767312000.5`);
  });

  it("makes text Koi cannot store storable, and leaves out a payload Koi would refuse whole", () => {
    // Koi answers 400 to either, and the event would be dead-lettered after Orca was told 2xx.
    const event = orcaWebhookToEvent(
      "/job/replica-failed",
      {
        event_id: "replica_failed:x-r0",
        job_id: "x-r0",
        group_id: "x",
        reason: "exit",
        reason_detail: "a\u0000b\ud800",
      },
      RECEIVED,
    );
    expect(event.detail).toMatch(/exit: a\ufffdb\ufffd$/);
    expect(findUnsafeJson(event)).toBeNull();
    const huge = orcaWebhookToEvent(
      "/job/complete",
      { event_id: "job_complete:x", job_id: "x", tokens: 1e300 },
      RECEIVED,
    );
    expect(huge.payload).toBeUndefined();
    expect(findUnsafeJson(huge)).toBeNull();
  });

  it("the envelope-less rollback form gets Koi v2's stable legacy id and the arrival time", () => {
    const rollback = ORCA_WEBHOOK_FIXTURES.find((f) => f.name === "rollback path: started without envelope")!;
    const a = orcaWebhookToEvent(rollback.path, rollback.body, RECEIVED);
    const reordered = Object.fromEntries(Object.entries(rollback.body).reverse());
    expect(orcaWebhookToEvent(rollback.path, reordered, RECEIVED).eventId).toBe(a.eventId);
    expect(a.eventId).toMatch(/^legacy:job_started:mo-qwen72b-a3f7-r0:[0-9a-f]{16}$/);
    expect(a.eventId).toBe(legacyEventId("job_started", rollback.body));
    expect(a.at).toBe(RECEIVED.toISOString());
  });

  it("a payload that breaks the contract is still forwarded, with the mismatch explained", () => {
    const event = orcaWebhookToEvent(
      "/job/launching",
      { job_id: "mo-x-r0", group_id: "mo-x", tp: "eight", emitted_at: 1e300 },
      RECEIVED,
    );
    expect(ZLifecycleEvent.safeParse(event).success).toBe(true);
    expect(event.detail).toMatch(/^payload does not match the Orca contract \(.*tp: /);
    expect(event.at).toBe(RECEIVED.toISOString());
    expect(orcaWebhookToEvent("/job/complete", ["not", "an", "object"], RECEIVED).payload).toEqual({
      value: ["not", "an", "object"],
    });
  });
});
