import { randomBytes } from "node:crypto";
import { testLog as logger } from "../testing/test-log.ts";
import { hashSecretToken } from "@koi/core/secret-token";
import { prisma } from "@koi/db";
import { createTestOrg, createTestUser } from "@koi/db/factories";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TJobContext } from "../job-context.ts";
import { jobHandlers } from "../job-handlers.ts";
import { startFakeSmtpServer, type TFakeSmtpServer } from "../testing/fake-smtp-server.ts";
import { createSmtpMailer, type TMailer } from "./mailer.ts";

const APP_URL = "http://localhost:3000";
const rand = () => randomBytes(4).toString("hex");
const inOneDay = () => new Date(Date.now() + 86_400_000);

function ctx(jobId: string, mailer: TMailer | null = null): TJobContext {
  return {
    jobId,
    attemptsMade: 0,
    log: logger,
    db: prisma,
    mail: { appUrl: APP_URL, from: "Koi <no-reply@koi.test>", mailer },
  };
}

/** The token in the emailed link; the test proves the row's hash belongs to it. */
function tokenIn(text: string, path: string): string {
  const match = new RegExp(`${APP_URL}${path}\\?token=([A-Za-z0-9_-]{43})`).exec(text);
  if (!match) throw new Error(`no ${path} link in:\n${text}`);
  return match[1]!;
}

const mailsFor = (dedupKey: string) => prisma.mailMessage.findMany({ where: { dedupKey } });

async function createWaitlistEntry(patch: { status?: "PENDING" | "CONFIRMED"; confirmedAt?: Date } = {}) {
  return prisma.waitlistEntry.create({
    data: {
      email: `wl-${rand()}@example.test`,
      name: "Ada",
      company: "Acme",
      fleetSize: "8-64",
      workloadType: "BATCH",
      ...patch,
    },
  });
}

async function createInvitation(
  patch: { orgId?: string | null; acceptedAt?: Date; revokedAt?: Date; expiresAt?: Date } = {},
) {
  const inviter = await createTestUser({ name: "Grace Hopper" });
  const org = await createTestOrg({ name: `Lab ${rand()}`, ownerId: inviter.id });
  return prisma.invitation.create({
    data: {
      orgId: org.id,
      email: `inv-${rand()}@example.test`,
      role: "MEMBER",
      expiresAt: inOneDay(),
      invitedById: inviter.id,
      ...patch,
    },
  });
}

describe("send-waitlist-confirmation", () => {
  it("stores one message whose link carries the token hashed on the entry, and is idempotent", async () => {
    const entry = await createWaitlistEntry();
    const jobId = `waitlist-confirm-${entry.id}`;
    await jobHandlers["send-waitlist-confirmation"]({ entryId: entry.id }, ctx(jobId));

    const [message] = await mailsFor(jobId);
    expect(message).toMatchObject({
      to: entry.email,
      transport: "store",
      subject: "Confirm your place on the Koi waitlist",
    });
    expect(message!.sentAt).toBeInstanceOf(Date);
    expect(message!.text).toContain("Hi Ada");
    const token = tokenIn(message!.text, "/waitlist/confirm");
    expect(message!.html).toContain(`/waitlist/confirm?token=${token}`);
    const stored = await prisma.waitlistEntry.findUniqueOrThrow({ where: { id: entry.id } });
    expect(stored.confirmTokenHash).toBe(hashSecretToken(token));

    await jobHandlers["send-waitlist-confirmation"]({ entryId: entry.id }, ctx(jobId));
    const again = await mailsFor(jobId);
    expect(again).toHaveLength(1);
    expect(again[0]!.id).toBe(message!.id);
    expect((await prisma.waitlistEntry.findUniqueOrThrow({ where: { id: entry.id } })).confirmTokenHash).toBe(
      stored.confirmTokenHash,
    );
  });

  it("two concurrent runs of the same job store one message and one token", async () => {
    const entry = await createWaitlistEntry();
    const jobId = `waitlist-confirm-${entry.id}`;
    await Promise.all(
      [1, 2, 3].map(() => jobHandlers["send-waitlist-confirmation"]({ entryId: entry.id }, ctx(jobId))),
    );
    const messages = await mailsFor(jobId);
    expect(messages).toHaveLength(1);
    const stored = await prisma.waitlistEntry.findUniqueOrThrow({ where: { id: entry.id } });
    expect(stored.confirmTokenHash).toBe(hashSecretToken(tokenIn(messages[0]!.text, "/waitlist/confirm")));
  });

  it("skips entries that are gone or already confirmed", async () => {
    const confirmed = await createWaitlistEntry({ status: "CONFIRMED", confirmedAt: new Date() });
    await jobHandlers["send-waitlist-confirmation"]({ entryId: confirmed.id }, ctx(`wl-a-${confirmed.id}`));
    await jobHandlers["send-waitlist-confirmation"]({ entryId: "wl_missing" }, ctx("wl-missing"));
    expect(await mailsFor(`wl-a-${confirmed.id}`)).toHaveLength(0);
    expect(await mailsFor("wl-missing")).toHaveLength(0);
    expect((await prisma.waitlistEntry.findUniqueOrThrow({ where: { id: confirmed.id } })).confirmTokenHash).toBeNull();
  });
});

describe("send-invitation", () => {
  it("mails an org invitation with the org, inviter and a working accept link", async () => {
    const invitation = await createInvitation();
    const org = await prisma.organization.findUniqueOrThrow({ where: { id: invitation.orgId! } });
    const jobId = `invite-${invitation.id}`;
    await jobHandlers["send-invitation"]({ invitationId: invitation.id }, ctx(jobId));

    const [message] = await mailsFor(jobId);
    expect(message).toMatchObject({ to: invitation.email, subject: `You're invited to “${org.name}” on Koi` });
    expect(message!.text).toContain(`“Grace Hopper” invited you to “${org.name}” on Koi as member.`);
    const token = tokenIn(message!.text, "/invite/accept");
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).tokenHash).toBe(
      hashSecretToken(token),
    );
  });

  it("mails a waitlist approval (no org) as access to the invitee's own organization", async () => {
    const invitation = await prisma.invitation.create({
      data: { orgId: null, email: `appr-${rand()}@example.test`, role: "OWNER", expiresAt: inOneDay() },
    });
    const jobId = `invite-${invitation.id}`;
    await jobHandlers["send-invitation"]({ invitationId: invitation.id }, ctx(jobId));
    const [message] = await mailsFor(jobId);
    expect(message!.subject).toBe("Your Koi access is ready");
    expect(message!.text).toContain("you will join your own organization as owner");
    const token = tokenIn(message!.text, "/invite/accept");
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).tokenHash).toBe(
      hashSecretToken(token),
    );
  });

  it.each([
    ["accepted", { acceptedAt: new Date() }],
    ["revoked", { revokedAt: new Date() }],
    ["expired", { expiresAt: new Date(Date.now() - 1000) }],
  ])("skips %s invitations", async (_label, patch) => {
    const invitation = await createInvitation(patch);
    await jobHandlers["send-invitation"]({ invitationId: invitation.id }, ctx(`invite-${invitation.id}`));
    expect(await mailsFor(`invite-${invitation.id}`)).toHaveLength(0);
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).tokenHash).toBeNull();
  });
});

describe("send-password-reset", () => {
  it("mails the user a reset link whose token hash is on the reset row", async () => {
    const user = await createTestUser();
    const reset = await prisma.passwordResetToken.create({
      data: { userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) },
    });
    const jobId = `password-reset-${reset.id}`;
    await jobHandlers["send-password-reset"]({ resetId: reset.id }, ctx(jobId));
    const [message] = await mailsFor(jobId);
    expect(message).toMatchObject({ to: user.email, subject: "Reset your Koi password" });
    const token = tokenIn(message!.text, "/reset-password");
    expect((await prisma.passwordResetToken.findUniqueOrThrow({ where: { id: reset.id } })).tokenHash).toBe(
      hashSecretToken(token),
    );
  });

  it.each([
    ["used", { usedAt: new Date() }],
    ["expired", { expiresAt: new Date(Date.now() - 1000) }],
  ])("skips %s reset requests", async (_label, patch) => {
    const user = await createTestUser();
    const reset = await prisma.passwordResetToken.create({
      data: { userId: user.id, expiresAt: new Date(Date.now() + 3_600_000), ...patch },
    });
    await jobHandlers["send-password-reset"]({ resetId: reset.id }, ctx(`password-reset-${reset.id}`));
    expect(await mailsFor(`password-reset-${reset.id}`)).toHaveLength(0);
  });
});

describe("over SMTP", () => {
  let smtp: TFakeSmtpServer;
  let mailer: TMailer;
  beforeAll(async () => {
    smtp = await startFakeSmtpServer();
    mailer = createSmtpMailer(smtp.url);
  });
  afterAll(async () => {
    mailer.close();
    await smtp.close();
  });

  it("a failed send throws, and the retry delivers the stored message with the same token", async () => {
    const invitation = await createInvitation();
    const jobId = `invite-${invitation.id}`;
    smtp.failNext = 1;
    await expect(jobHandlers["send-invitation"]({ invitationId: invitation.id }, ctx(jobId, mailer))).rejects.toThrow(
      /451/,
    );
    const [unsent] = await mailsFor(jobId);
    expect(unsent).toMatchObject({ transport: "smtp", sentAt: null });
    const hashAfterFailure = (await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).tokenHash;
    expect(hashAfterFailure).toBe(hashSecretToken(tokenIn(unsent!.text, "/invite/accept")));
    expect(smtp.messages).toHaveLength(0);

    await jobHandlers["send-invitation"]({ invitationId: invitation.id }, ctx(jobId, mailer));
    const [sent] = await mailsFor(jobId);
    expect(sent!.id).toBe(unsent!.id);
    expect(sent!.sentAt).toBeInstanceOf(Date);
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).tokenHash).toBe(
      hashAfterFailure,
    );
    expect(smtp.messages).toHaveLength(1);
    const raw = smtp.messages[0]!;
    expect(raw).toMatch(new RegExp(`^To: ${invitation.email}`, "m"));
    expect(raw).toContain(`Message-ID: <${sent!.id}@localhost>`);
    const token = tokenIn(unsent!.text, "/invite/accept");
    expect(raw.replace(/=\r\n/g, "")).toContain(token);
    // Sent over SMTP: the stored copy keeps no working link.
    expect(`${sent!.text}${sent!.html}`).not.toContain(token);
    expect(sent!.text).toContain("token=redacted-after-sending");

    await jobHandlers["send-invitation"]({ invitationId: invitation.id }, ctx(jobId, mailer));
    expect(smtp.messages).toHaveLength(1);
  });

  it("does not redeliver a stored message once its invitation was revoked", async () => {
    const invitation = await createInvitation();
    const jobId = `invite-${invitation.id}`;
    smtp.failNext = 1;
    await expect(jobHandlers["send-invitation"]({ invitationId: invitation.id }, ctx(jobId, mailer))).rejects.toThrow();
    await prisma.invitation.update({ where: { id: invitation.id }, data: { revokedAt: new Date() } });
    const before = smtp.messages.length;
    await jobHandlers["send-invitation"]({ invitationId: invitation.id }, ctx(jobId, mailer));
    expect(smtp.messages).toHaveLength(before);
    expect((await mailsFor(jobId))[0]!.sentAt).toBeNull();
  });
});
