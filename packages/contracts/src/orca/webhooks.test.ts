import { describe, expect, it } from "vitest";
import {
  ORCA_WEBHOOKS,
  ORCA_WEBHOOK_PATHS,
  ZOrcaJobStartedChunked,
  ZOrcaJobStartedLegacy,
  ZOrcaReplicaFailed,
} from "../index.ts";
import { ORCA_WEBHOOK_FIXTURES } from "./fixtures/orca-webhook-fixtures.ts";

describe("unmodified-Orca webhook replay", () => {
  it.each(ORCA_WEBHOOK_FIXTURES.map((f) => [f.name, f] as const))(
    "%s parses and keeps every field",
    (_name, fixture) => {
      const parsed = ORCA_WEBHOOKS[fixture.path].schema.parse(fixture.body);
      expect(parsed).toEqual(fixture.body);
    },
  );

  it("covers every webhook path, both started forms and the watchdog's replica-failed", () => {
    expect(new Set(ORCA_WEBHOOK_FIXTURES.map((f) => f.path))).toEqual(new Set(ORCA_WEBHOOK_PATHS));
    const started = ORCA_WEBHOOK_FIXTURES.filter((f) => f.path === "/job/started");
    expect(started.some((f) => ZOrcaJobStartedChunked.safeParse(f.body).success)).toBe(true);
    expect(
      started.some(
        (f) => !ZOrcaJobStartedChunked.safeParse(f.body).success && ZOrcaJobStartedLegacy.safeParse(f.body).success,
      ),
    ).toBe(true);
    const watchdog = ORCA_WEBHOOK_FIXTURES.filter(
      (f) => f.path === "/job/replica-failed" && !("reason_code" in f.body),
    );
    expect(watchdog.length).toBeGreaterThan(0);
    expect(ORCA_WEBHOOK_FIXTURES.some((f) => !("event_id" in f.body))).toBe(true);
  });

  it("tolerates and keeps fields a newer Orca might add", () => {
    const fixture = ORCA_WEBHOOK_FIXTURES.find((f) => f.path === "/job/replica-failed")!;
    const body = { ...fixture.body, correlation_id: "corr-1", preempted_by: "aws" };
    expect(ZOrcaReplicaFailed.parse(body)).toMatchObject({ correlation_id: "corr-1", preempted_by: "aws" });
  });

  it("rejects wrong types with field paths", () => {
    const fixture = ORCA_WEBHOOK_FIXTURES.find((f) => f.path === "/job/launch-failed")!;
    const body = structuredClone(fixture.body) as { configs_tried: Record<string, unknown>[]; event_type: string };
    body.configs_tried[1]!.failure_category = "capacity";
    body.event_type = "job_complete";
    const result = ORCA_WEBHOOKS["/job/launch-failed"].schema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join(".")).sort()).toEqual([
      "configs_tried.1.failure_category",
      "event_type",
    ]);
  });

  it("a missing required field is an error, not a silent default", () => {
    const fixture = ORCA_WEBHOOK_FIXTURES.find((f) => f.path === "/job/launching")!;
    const { attempt_index: _dropped, ...body } = fixture.body;
    const result = ORCA_WEBHOOKS["/job/launching"].schema.safeParse(body);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["attempt_index"]);
  });
});
