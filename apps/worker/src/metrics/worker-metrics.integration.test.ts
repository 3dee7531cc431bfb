import { randomBytes } from "node:crypto";
import { enqueueViaOutbox } from "@koi/core/outbox";
import { redisPrefix } from "@koi/core/redis";
import { prisma } from "@koi/db";
import { createTestOrg, createTestUser } from "@koi/db/factories";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkerRuntime, type TWorkerRuntime } from "../start-worker-runtime.ts";
import { testLog } from "../testing/test-log.ts";
import { waitFor } from "../testing/wait-for.ts";

const TOKEN = "worker-metrics-token-0123456789";
const mail = { appUrl: "http://localhost:3000", from: "Koi <no-reply@koi.test>", mailer: null };

function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe("worker /metrics", () => {
  let runtime: TWorkerRuntime;
  let url: string;
  const scrape = async (authorization?: string) => {
    const res = await fetch(url, { headers: authorization ? { authorization } : {} });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };

  beforeAll(async () => {
    runtime = await startWorkerRuntime({
      db: prisma,
      log: testLog,
      prefix: `${redisPrefix()}-metrics-${randomBytes(3).toString("hex")}`,
      mail,
      healthPort: 0,
      relay: { intervalMs: 50 },
      redisWipeRecovery: false,
      metricsAccess: { NODE_ENV: "production", KOI_METRICS_TOKEN: TOKEN },
    });
    url = `http://127.0.0.1:${runtime.healthPort}/metrics`;
  });
  afterAll(async () => runtime.stop());

  it("refuses a scrape without the token, or with another one, even from this machine", async () => {
    const none = await scrape();
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(none.text).not.toContain("koi_");
    expect((await scrape("Bearer not-the-token-at-all-000000")).status).toBe(401);
  });

  it("with the token: queue, outbox and command gauges, and job counters that move after a real job", async () => {
    const before = await scrape(`Bearer ${TOKEN}`);
    expect(before.status).toBe(200);
    expect(before.headers.get("content-type")).toContain("text/plain");
    expect(before.text).toMatch(/koi_queue_jobs\{queue="email",state="waiting"\} \d+/);
    expect(before.text).toMatch(/koi_queue_oldest_waiting_seconds\{queue="email"\} [\d.]+/);
    expect(before.text).toMatch(/koi_outbox_lag_seconds \d+/);
    expect(before.text).toMatch(/koi_commands\{state="pending"\} \d+/);
    expect(before.text).toMatch(/koi_workloads_by_forecast_health\{health="at_risk"\} \d+/);

    const owner = await createTestUser();
    const org = await createTestOrg({ ownerId: owner.id });
    const invitation = await prisma.invitation.create({
      data: {
        orgId: org.id,
        email: `m-${randomBytes(4).toString("hex")}@example.test`,
        role: "ADMIN",
        expiresAt: new Date(Date.now() + 86_400_000),
        invitedById: owner.id,
      },
    });
    const jobId = `invite-${invitation.id}`;
    await prisma.$transaction((tx) =>
      enqueueViaOutbox(tx, "send-invitation", { invitationId: invitation.id }, { jobId }),
    );
    const email = runtime.queues.get("email")!;
    await waitFor(async () => (await email.getJob(jobId))?.finishedOn, 15_000, "job completion");

    const after = await scrape(`Bearer ${TOKEN}`);
    const completed = 'koi_jobs_total{queue="email",job="send-invitation",result="completed"}';
    // At least ours: the relay also publishes invitations earlier test files left in the shared outbox.
    expect(sample(after.text, completed) - sample(before.text, completed)).toBeGreaterThanOrEqual(1);
    const published = 'koi_outbox_published_total{result="published"}';
    expect(sample(after.text, published) - sample(before.text, published)).toBeGreaterThanOrEqual(1);
    expect(
      sample(after.text, 'koi_job_duration_seconds_count{queue="email",job="send-invitation"}'),
    ).toBeGreaterThanOrEqual(1);
  });

  it("leaves /healthz open (container health checks carry no token)", async () => {
    const res = await fetch(`http://127.0.0.1:${runtime.healthPort}/healthz`);
    expect(res.status).toBe(200);
  });
});
