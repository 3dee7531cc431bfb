import { fillPath } from "@koi/contracts";
import { abortableSleep, retryDelayMs } from "@koi/sdk";
import { appendDeadLetter, type TSpoolEntry } from "../spool/spool.ts";
import type { TAgentContext } from "./agent-context.ts";

export type TFlushOutcome = "delivered" | "dropped" | "retry" | "reregister";

/**
 * What to do with the spool head after Koi answered `status`:
 * 2xx delivered; 409 (stale epoch / conflict) dropped with a log line; 404 on an agent-scoped path
 * means Koi no longer knows this agent (re-register, keep the entry); other 4xx cannot succeed by
 * retrying and go to the dead-letter file; 401/403 (key revoked or rotated), 408, 429 and 5xx are
 * retried with backoff.
 */
export function classifyStatus(status: number, entry: TSpoolEntry): TFlushOutcome {
  if (status >= 200 && status < 300) return "delivered";
  if (status === 409) return "dropped";
  if (status === 404 && entry.pathTemplate.includes("{agentId}")) return "reregister";
  if (status === 401 || status === 403 || status === 408 || status === 425 || status === 429 || status >= 500)
    return "retry";
  return "dropped";
}

/** Sends the spool head until the spool is empty, in order; never skips ahead of an undelivered entry. */
export async function flushSpool(
  ctx: TAgentContext & {
    agentId: () => string | null;
    reregister: () => Promise<void>;
    onStaleReport: (assignmentId: string) => void;
  },
  signal: AbortSignal,
): Promise<void> {
  let attempt = 0;
  while (!signal.aborted) {
    const entry = ctx.spool.head();
    if (!entry) return;
    const agentId = ctx.agentId();
    if (agentId === null && entry.pathTemplate.includes("{agentId}")) return;
    const path = fillPath(entry.pathTemplate, { ...entry.params, ...(agentId ? { agentId } : {}) });
    let outcome: TFlushOutcome;
    let status: number | null = null;
    let retryAfterMs: number | undefined;
    let body: unknown;
    try {
      const response = await ctx.client.send({
        method: "POST",
        path,
        body: entry.body,
        idempotencyKey: entry.idempotencyKey,
        signal,
      });
      status = response.status;
      retryAfterMs = response.retryAfterMs;
      body = response.body;
      outcome = classifyStatus(response.status, entry);
    } catch (error) {
      if (signal.aborted) return;
      ctx.logger.warn("spool: Koi unreachable", { seq: entry.seq, error: (error as Error).message });
      outcome = "retry";
    }
    if (outcome === "delivered") {
      const refused = (body as { usageRefused?: unknown } | undefined)?.usageRefused;
      if (entry.kind === "report" && Array.isArray(refused))
        ctx.logger.error("Koi did not bill usage this agent reported: the figures cannot be true", {
          assignmentId: entry.params.assignmentId,
          refused,
        });
      await ctx.spool.remove(entry.seq);
      attempt = 0;
      continue;
    }
    if (outcome === "dropped") {
      if (status === 409) {
        ctx.logger.warn("spool: Koi refused a stale write (409), dropping it", {
          seq: entry.seq,
          kind: entry.kind,
          path,
          body,
        });
        if (entry.kind === "report" && entry.params.assignmentId) ctx.onStaleReport(entry.params.assignmentId);
      } else {
        ctx.logger.error("spool: Koi rejected an entry for good; moved to dead-letter.jsonl", {
          seq: entry.seq,
          kind: entry.kind,
          status,
          body,
        });
        await appendDeadLetter(ctx.spool.dir, entry, `HTTP ${status}: ${JSON.stringify(body).slice(0, 500)}`);
      }
      await ctx.spool.remove(entry.seq);
      attempt = 0;
      continue;
    }
    if (outcome === "reregister") await ctx.reregister();
    const delay = retryDelayMs(attempt++, retryAfterMs, ctx.client.backoff, ctx.client.random);
    await abortableSleep(delay, signal);
  }
}
