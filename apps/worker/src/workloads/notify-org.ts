import { UnrecoverableError } from "bullmq";
import { AppError } from "@koi/core/app-error";
import { postWebhook } from "@koi/services/notifications/post-webhook";
import type { TJobHandler } from "../job-context.ts";
import { deliver } from "../email/send-mail-once.ts";

export const WEBHOOK_TIMEOUT_MS = 5_000;

/**
 * Tells the org about an SLO at risk or a blown budget: an email (stored, and sent over SMTP when
 * configured) and a JSON POST to its webhook. The mail is keyed by the notification, so a retry
 * (after a webhook failure) never mails twice; a non-2xx webhook answer throws so BullMQ retries.
 * The webhook goes only to a public address, checked and pinned at send time (post-webhook.ts).
 */
export const notifyOrg: TJobHandler<"notify-org"> = async (payload, ctx) => {
  const setting = await ctx.db.notificationSetting.findUnique({ where: { orgId: payload.orgId } });
  const wanted = setting && (payload.kind === "slo_at_risk" ? setting.sloAtRisk : setting.budget);
  if (!setting || !wanted) {
    ctx.log.info({ notificationKey: payload.notificationKey }, "notification not wanted by the org; skipped");
    return;
  }
  const workload = await ctx.db.workload.findFirst({
    where: { id: payload.workloadId, orgId: payload.orgId },
    select: { id: true, name: true, org: { select: { slug: true } } },
  });
  const subject =
    payload.kind === "slo_at_risk"
      ? `SLO at risk: ${workload?.name ?? payload.workloadId}`
      : `Budget exceeded: ${workload?.name ?? payload.workloadId}`;
  const link = workload
    ? new URL(`/o/${workload.org.slug}/workloads/${workload.id}`, ctx.mail.appUrl).toString()
    : new URL("/", ctx.mail.appUrl).toString();

  if (setting.email) {
    const dedupKey = `notify-${payload.notificationKey}`;
    const message =
      (await ctx.db.mailMessage.findUnique({ where: { dedupKey } })) ??
      (await ctx.db.mailMessage.upsert({
        where: { dedupKey },
        create: {
          dedupKey,
          to: setting.email,
          subject,
          text: `${payload.message}\n\n${link}\n`,
          transport: ctx.mail.mailer ? "smtp" : "store",
        },
        update: {},
      }));
    if (!message.sentAt) await deliver(ctx, message);
  }
  if (setting.webhookUrl) {
    // A target the SSRF guard refuses stays refused: fail the job now instead of retrying it.
    const refused = (err: unknown) => {
      if (err instanceof AppError && err.publicCode === "webhook_target_refused") {
        ctx.log.warn({ notificationKey: payload.notificationKey, reason: err.message }, "webhook target refused");
        throw new UnrecoverableError(err.message);
      }
      throw err;
    };
    const status = await postWebhook(
      setting.webhookUrl,
      JSON.stringify({
        kind: payload.kind,
        notificationKey: payload.notificationKey,
        workloadId: payload.workloadId,
        workloadName: workload?.name ?? null,
        message: payload.message,
        url: link,
        at: new Date().toISOString(),
      }),
      {
        headers: {
          "content-type": "application/json",
          "user-agent": "koi-notifications/1",
          "x-koi-notification-key": payload.notificationKey,
        },
        timeoutMs: WEBHOOK_TIMEOUT_MS,
      },
    ).catch(refused);
    if (status < 200 || status >= 300) throw new Error(`webhook answered ${status}`);
  }
  ctx.log.info(
    { notificationKey: payload.notificationKey, email: Boolean(setting.email), webhook: Boolean(setting.webhookUrl) },
    "org notified",
  );
};
