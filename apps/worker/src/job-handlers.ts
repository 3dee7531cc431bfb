import type { TJobName } from "@koi/core/job-catalog";
import { sweepMailMessages } from "./email/purge-mail-messages.ts";
import { sendInvitation } from "./email/send-invitation.ts";
import { sendPasswordReset } from "./email/send-password-reset.ts";
import { runStartPasswordReset } from "./email/start-password-reset.ts";
import { sendWaitlistConfirmation } from "./email/send-waitlist-confirmation.ts";
import { sweepExpiredLeases, sweepOfflineAgents } from "./agents/sweep-agents.ts";
import type { TJobHandler } from "./job-context.ts";
import { notifyOrg } from "./workloads/notify-org.ts";
import { sweepOnlineServices } from "./workloads/online-jobs.ts";
import {
  runCompleteWorkload,
  runPlanWorkload,
  runRebalanceForWorkload,
  runReplanWorkload,
  sweepForecasts,
  sweepReconcile,
} from "./workloads/workload-jobs.ts";

/** One handler per catalog job: a job added to the catalog without a handler here fails typecheck. */
export type TJobHandlers = { [N in TJobName]: TJobHandler<N> };

export const jobHandlers: TJobHandlers = {
  "send-waitlist-confirmation": sendWaitlistConfirmation,
  "send-invitation": sendInvitation,
  "start-password-reset": runStartPasswordReset,
  "send-password-reset": sendPasswordReset,
  "mark-offline-agents": sweepOfflineAgents,
  "announce-expired-leases": sweepExpiredLeases,
  "plan-workload": runPlanWorkload,
  "complete-workload": runCompleteWorkload,
  "rebalance-for-workload": runRebalanceForWorkload,
  "replan-workload": runReplanWorkload,
  "notify-org": notifyOrg,
  "forecast-workloads": sweepForecasts,
  "reconcile-workloads": sweepReconcile,
  "plan-online-services": sweepOnlineServices,
  "purge-mail-messages": sweepMailMessages,
};
