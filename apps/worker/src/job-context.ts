import type { TJobName, TJobPayload } from "@koi/core/job-catalog";
import type { Logger } from "@koi/core/logger";
import type { PrismaClient } from "@koi/db";
import type { TMailer } from "./email/mailer.ts";

/** What a handler gets besides its payload. `jobId` is the deterministic BullMQ id (the outbox row's). */
export type TJobContext = {
  jobId: string;
  attemptsMade: number;
  log: Logger;
  db: PrismaClient;
  mail: TMailConfig;
};

export type TMailConfig = {
  appUrl: string;
  from: string;
  /** null when SMTP_URL is unset: messages are only stored (and shown at /dev/mail). */
  mailer: TMailer | null;
};

export type TJobHandler<N extends TJobName> = (payload: TJobPayload<N>, ctx: TJobContext) => Promise<void>;
