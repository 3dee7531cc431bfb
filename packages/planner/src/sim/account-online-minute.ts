import { TP_DEGREES } from "@koi/catalog";
import type { TFleetTrace, TOnlineServiceSpec, TReplica } from "./fleet-types.ts";
import { onlineReplicaRps } from "./replica-throughput.ts";

/** Smallest TP at which the service's model serves within its SLO on the serverless GPU. */
export function serverlessWorkerShape(spec: TOnlineServiceSpec): { tp: number; rps: number } {
  for (const tp of TP_DEGREES) {
    const rps = onlineReplicaRps(
      spec.model,
      spec.serverless.gpuType,
      tp,
      spec.inputTokens,
      spec.outputTokens,
      spec.ttftP95Ms,
      spec.tpotP95Ms,
    );
    if (rps > 0) return { tp, rps };
  }
  return { tp: 8, rps: 0 };
}

/**
 * Minute-by-minute online accounting. A minute is met when the serving capacity covers the
 * load: replicas count for the part of the minute they are ready; with Tuna's serverless
 * fallback, the deficit goes to serverless workers, which are billed per GPU for every minute
 * they live (cold start included, kept warm for the idle window) and serve only after their
 * cold start — so a burst that needs new workers can still miss its minute.
 */
export function createOnlineLedger(trace: TFleetTrace, serverlessFallback: boolean) {
  const shapes = trace.services.map(serverlessWorkerShape);
  const history = trace.services.map(() => [] as number[]);
  let minutes = 0;
  let met = 0;
  let serverlessCost = 0;
  let serverlessGpuHours = 0;

  return {
    account(minute: number, replicas: TReplica[]): void {
      const t = minute * 60;
      trace.services.forEach((spec, i) => {
        const load = spec.loadRps[minute] ?? 0;
        let capacity = 0;
        for (const r of replicas) {
          if (r.workloadId !== spec.id) continue;
          const readyShare = Math.min(1, Math.max(0, (t + 60 - r.readyAt) / 60));
          if (readyShare > 0)
            capacity +=
              readyShare *
              onlineReplicaRps(
                spec.model,
                r.gpuType,
                r.tp,
                spec.inputTokens,
                spec.outputTokens,
                spec.ttftP95Ms,
                spec.tpotP95Ms,
              );
        }
        minutes++;
        const shape = shapes[i]!;
        const past = history[i]!;
        if (!serverlessFallback || shape.rps <= 0) {
          if (capacity >= load * (1 - 1e-9)) met++;
          return;
        }
        const needed = Math.min(spec.serverless.maxWorkers, Math.ceil(Math.max(0, load - capacity) / shape.rps - 1e-9));
        const windowMinutes = Math.max(1, Math.ceil(spec.serverless.idleWindowSeconds / 60));
        const alivePrev = past.length === 0 ? 0 : Math.max(...past.slice(-windowMinutes));
        const alive = Math.max(needed, alivePrev);
        const fresh = Math.max(0, needed - alivePrev);
        past.push(needed);
        if (past.length > windowMinutes + 1) past.shift();
        const warmShare = Math.max(0, 60 - spec.serverless.coldStartSeconds) / 60;
        const effective = capacity + (needed - fresh) * shape.rps + fresh * shape.rps * warmShare;
        if (effective >= load * (1 - 1e-9)) met++;
        const gpuSeconds = alive * shape.tp * 60;
        serverlessCost += gpuSeconds * spec.serverless.pricePerGpuSecond;
        serverlessGpuHours += gpuSeconds / 3600;
      });
    },
    result: () => ({ minutes, met, serverlessCost, serverlessGpuHours }),
  };
}
