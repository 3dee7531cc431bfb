import { randomUUID } from "node:crypto";
import type { Session } from "next-auth";
import "@koi/auth/session-types";
import { clientIp } from "@koi/auth/client-ip";
import { logger, type Logger } from "@koi/core/logger";

export type TContext = {
  session: Session | null;
  headers: Headers;
  requestId: string;
  ip: string;
  log: Logger;
};

/** Built once per request by the transport (the Next.js route handler, or a test). */
export function createContext(opts: { session: Session | null; headers: Headers; requestId?: string }): TContext {
  const requestId = opts.requestId ?? randomUUID();
  return {
    session: opts.session,
    headers: opts.headers,
    requestId,
    ip: clientIp(opts.headers),
    log: logger.child({ requestId, userId: opts.session?.user?.id }),
  };
}
