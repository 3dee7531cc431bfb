import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { createCapacity, createRunningWorkload } from "@koi/services/testing/workload-fixtures";
import type { TJobContext } from "../job-context.ts";
import { testLog } from "../testing/test-log.ts";
import { notifyOrg } from "./notify-org.ts";

// Only `localhost` is exempt from the SSRF guard here; 127.0.0.1 and every other internal address is not.
process.env.KOI_WEBHOOK_ALLOWED_HOSTS = "localhost";

const ctx: TJobContext = {
  jobId: "notify-test",
  attemptsMade: 0,
  log: testLog,
  db: prisma,
  mail: { appUrl: "http://localhost:3000", from: "Koi <no-reply@koi.test>", mailer: null },
};

type THit = { path: string; body: string };
let receiver: Server;
let port: number;
const hits: THit[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      hits.push({ path: req.url ?? "", body });
      if (req.url === "/redirect") res.writeHead(302, { location: `http://127.0.0.1:${port}/internal` }).end();
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

async function orgWithWebhook(webhookUrl: string) {
  const org = await createTestOrg({ name: `Notify ${randomBytes(3).toString("hex")}` });
  const { agent } = await createCapacity(org.id);
  const { workload } = await createRunningWorkload(org.id, { agentId: agent.id });
  // Written straight to the table: a URL saved before the guard existed, or one whose DNS changed.
  await prisma.notificationSetting.create({ data: { orgId: org.id, webhookUrl, sloAtRisk: true, budget: true } });
  const payload = {
    notificationKey: `k-${randomBytes(6).toString("hex")}`,
    orgId: org.id,
    kind: "slo_at_risk" as const,
    workloadId: workload.id,
    message: "SLO at risk",
  };
  return { org, workload, payload };
}

describe("notify-org webhooks", () => {
  it("refuses an internal target at send time, for good, and sends it nothing", async () => {
    const before = hits.length;
    const { payload } = await orgWithWebhook(`http://127.0.0.1:${port}/hook`);
    await expect(notifyOrg(payload, ctx)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(hits.length).toBe(before);
  });

  it("posts to an allowed host, linking the workload's page in its org", async () => {
    const { org, workload, payload } = await orgWithWebhook(`http://localhost:${port}/hook`);
    await notifyOrg(payload, ctx);
    const hit = hits.find((h) => h.body.includes(payload.notificationKey));
    expect(hit?.path).toBe("/hook");
    expect(JSON.parse(hit!.body).url).toBe(`http://localhost:3000/o/${org.slug}/workloads/${workload.id}`);
  });

  it("follows no redirect: a 302 towards an internal address is a failed delivery", async () => {
    const { payload } = await orgWithWebhook(`http://localhost:${port}/redirect`);
    await expect(notifyOrg(payload, ctx)).rejects.toThrow(/webhook answered 302/);
    expect(hits.some((h) => h.path === "/internal")).toBe(false);
  });
});
