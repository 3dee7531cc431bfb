import { createHash } from "node:crypto";
import { AGENT_PROTOCOL_PATHS, ZLifecycleEvent, type TLifecycleEvent } from "@koi/contracts";
import type { TLogger } from "../logger.ts";
import type { Spool } from "../spool/spool.ts";
import type { AgentState } from "../state/agent-state.ts";

/**
 * Ties each event to the assignment that owns its engine object (by Orca job id, else by Koi's
 * decision id echoed in the payload), drops what cannot be valid protocol, and spools the rest in
 * batches of 100. Resolves only once every batch is fsync'd.
 */
export async function spoolEvents(
  state: AgentState,
  spool: Spool,
  logger: TLogger,
  events: TLifecycleEvent[],
): Promise<void> {
  const ready: TLifecycleEvent[] = [];
  for (const event of events) {
    let enriched = event;
    if (!event.assignmentId) {
      const decision =
        event.payload && typeof event.payload.decision_id === "string" ? event.payload.decision_id : undefined;
      const owner =
        (event.engineRef ? state.assignmentByEngineRef(event.engineRef) : undefined) ??
        (decision ? state.assignmentByDecision(decision) : undefined);
      if (owner) enriched = { ...event, assignmentId: owner.assignmentId, epoch: owner.epoch };
    }
    const checked = ZLifecycleEvent.safeParse(enriched);
    if (checked.success) ready.push(checked.data);
    else
      logger.error("dropping an event that does not fit the protocol", {
        eventId: event.eventId,
        issues: checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
      });
  }
  for (let i = 0; i < ready.length; i += 100) {
    const batch = ready.slice(i, i + 100);
    // Same events → same key, so a batch re-spooled after a crash is a duplicate to Koi.
    const key = createHash("sha256")
      .update(batch.map((e) => e.eventId).join("\n"))
      .digest("hex")
      .slice(0, 32);
    await spool.append({
      kind: "events",
      pathTemplate: AGENT_PROTOCOL_PATHS.events,
      params: {},
      body: { events: batch },
      idempotencyKey: `events:${key}`,
    });
  }
}
