import { planOnlineServices } from "@koi/services/online/plan-online-service";
import type { TJobHandler } from "../job-context.ts";

export const sweepOnlineServices: TJobHandler<"plan-online-services"> = async (_payload, ctx) => {
  const outcomes = await planOnlineServices();
  const decided = outcomes.filter((o) => o.outcome === "decided");
  if (decided.length)
    ctx.log.info(
      { decided: decided.map((o) => ({ workloadId: o.workloadId, kind: o.kind, health: o.health })) },
      "online sweep changed scaling policies",
    );
};
