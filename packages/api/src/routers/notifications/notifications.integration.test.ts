import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { addTestMember, createTestOrg } from "@koi/db/factories";
import { callerAs } from "../../testing/callers.ts";

async function expectCode(promise: Promise<unknown>, code: TRPCError["code"]) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCError);
  expect((err as TRPCError).code).toBe(code);
}

// No DNS in the test sandbox: hooks.example.com is exempt from the SSRF guard (not resolved).
process.env.KOI_WEBHOOK_ALLOWED_HOSTS = "hooks.example.com,eot0ken.m.pipedream.net";

const settings = {
  webhookUrl: "https://hooks.example.com/koi/T0KEN",
  email: "ops@example.com",
  sloAtRisk: true,
  budget: false,
};

describe("notifications", () => {
  it("defaults, lets admins set, and audits the webhook masked", async () => {
    const org = await createTestOrg();
    const admin = callerAs((await addTestMember(org.id, "ADMIN")).id, org.id);
    expect(await admin.notifications.get()).toMatchObject({
      webhookUrl: null,
      email: null,
      sloAtRisk: true,
      budget: true,
      updatedAt: null,
    });
    await admin.notifications.set(settings);
    expect(await admin.notifications.get()).toMatchObject(settings);
    const audit = await prisma.auditEvent.findFirstOrThrow({
      where: { orgId: org.id, action: "notifications.updated" },
    });
    expect(JSON.stringify(audit.data)).not.toContain("T0KEN");
    // Pipedream's secret is its subdomain: the audit log keeps the last two labels only.
    await admin.notifications.set({ ...settings, webhookUrl: "https://eot0ken.m.pipedream.net/" });
    const audits = await prisma.auditEvent.findMany({ where: { orgId: org.id, action: "notifications.updated" } });
    expect(audits.map((a) => (a.data as { webhook: string }).webhook).sort()).toEqual([
      "https://…example.com/…",
      "https://…pipedream.net/…",
    ]);
    expect(JSON.stringify(audits.map((a) => a.data))).not.toContain("eot0ken");
    await admin.notifications.set({
      webhookUrl: "https://hooks.example.com/other",
      email: "",
      sloAtRisk: false,
      budget: false,
    });
    expect(await admin.notifications.get()).toMatchObject({
      webhookUrl: "https://hooks.example.com/other",
      email: null,
    });
  });

  it.each([
    "http://127.0.0.1:6379/",
    "http://localhost:5432/",
    "https://localhost/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.5/",
    "https://[fd00:ec2::254]/",
  ])("refuses the internal webhook target %s when saving, and saves nothing", async (webhookUrl) => {
    const org = await createTestOrg();
    const admin = callerAs((await addTestMember(org.id, "ADMIN")).id, org.id);
    await expectCode(admin.notifications.set({ ...settings, webhookUrl }), "BAD_REQUEST");
    expect(await prisma.notificationSetting.findUnique({ where: { orgId: org.id } })).toBeNull();
  });

  it("shows members and viewers where alerts go, but not the webhook's secret path or subdomain", async () => {
    const org = await createTestOrg();
    const admin = callerAs((await addTestMember(org.id, "ADMIN")).id, org.id);
    await admin.notifications.set(settings);
    for (const role of ["MEMBER", "VIEWER"] as const) {
      const reader = callerAs((await addTestMember(org.id, role)).id, org.id);
      expect(await reader.notifications.get()).toMatchObject({
        webhookUrl: "https://…example.com/…",
        email: "ops@example.com",
      });
    }
    expect(await admin.notifications.get()).toMatchObject({ webhookUrl: settings.webhookUrl });
  });

  it("refuses plain-http webhooks and members", async () => {
    const org = await createTestOrg();
    const admin = callerAs((await addTestMember(org.id, "ADMIN")).id, org.id);
    const member = callerAs((await addTestMember(org.id, "MEMBER")).id, org.id);
    await expectCode(
      admin.notifications.set({ ...settings, webhookUrl: "http://hooks.example.com/koi" }),
      "BAD_REQUEST",
    );
    await expectCode(member.notifications.set(settings), "FORBIDDEN");
    expect(await member.notifications.get()).toMatchObject({ webhookUrl: null });
  });

  it("never reads or writes another org's settings", async () => {
    const orgA = await createTestOrg();
    const adminA = callerAs((await addTestMember(orgA.id, "ADMIN")).id, orgA.id);
    await adminA.notifications.set(settings);
    const before = await prisma.notificationSetting.findUniqueOrThrow({ where: { orgId: orgA.id } });
    const orgB = await createTestOrg();
    const ownerBId = (await addTestMember(orgB.id, "OWNER")).id;
    const b = callerAs(ownerBId, orgB.id);
    expect(await b.notifications.get()).toMatchObject({ webhookUrl: null, email: null });
    await b.notifications.set({ ...settings, email: "b@example.com" });
    const intruder = callerAs(ownerBId, orgA.id);
    await expectCode(intruder.notifications.get(), "NOT_FOUND");
    await expectCode(intruder.notifications.set({ ...settings, webhookUrl: "https://evil.example.com" }), "NOT_FOUND");
    expect(await prisma.notificationSetting.findUniqueOrThrow({ where: { orgId: orgA.id } })).toEqual(before);
  });
});
