import { prisma, type Workload } from "@koi/db";
import { readSpec } from "../workloads/read-stored-json.ts";
import { downsampleSamples } from "./downsample-samples.ts";
import { readOnlineScaling } from "./online-scaling.ts";

/** How far back the service page looks (Koi's clock). */
const WINDOW_MS = 24 * 3_600_000;
const MAX_ROWS = 6_000;

/**
 * The service page's view of an online workload: its samples (request rate, latency against the
 * targets, replicas, cost), the forecast band and SLO health from the last decision, and what a
 * million tokens cost over the window. null for batch work.
 */
export async function getOnlineService(workload: Workload, now = new Date()) {
  // Only an online workload's spec is read: a batch page must not depend on this view.
  if (workload.kind !== "online") return null;
  const spec = readSpec(workload);
  if (spec.kind !== "online") return null;
  const rows = (
    await prisma.onlineSample.findMany({
      where: { orgId: workload.orgId, workloadId: workload.id, at: { gt: new Date(now.getTime() - WINDOW_MS) } },
      orderBy: { engineAt: "desc" },
      take: MAX_ROWS,
    })
  ).reverse();
  const scaling = readOnlineScaling(workload);
  // The policy Koi decided is only in force once Tuna took it: a router that cannot take one
  // (Tuna applies its policy at deploy) refuses set_scaling, and the page must not claim it runs.
  const lastSetScaling = await prisma.command.findFirst({
    where: { orgId: workload.orgId, type: "set_scaling", assignment: { workloadId: workload.id } },
    orderBy: { createdAt: "desc" },
    select: { status: true, ackDetail: true, updatedAt: true },
  });
  let cost = 0;
  let tokens = 0;
  for (const r of rows) {
    cost += (r.costPerHour * r.intervalSeconds) / 3600;
    tokens += (r.inputTokensPerSecond + r.outputTokensPerSecond) * r.intervalSeconds;
  }
  const recent = rows.slice(-5);
  return {
    targets: { ttftP95Ms: spec.ttftP95Ms, tpotP95Ms: spec.tpotP95Ms },
    expectedRps: spec.requestsPerSecond,
    policy: scaling?.policy ?? null,
    policyRefused:
      lastSetScaling && (lastSetScaling.status === "REJECTED" || lastSetScaling.status === "FAILED")
        ? { detail: lastSetScaling.ackDetail ?? "no reason given", at: lastSetScaling.updatedAt }
        : null,
    health: scaling?.health ?? null,
    plan: scaling?.plan ?? null,
    clockRate: scaling?.clockRate ?? 1,
    plannedAt: scaling ? new Date(scaling.plannedAt) : null,
    forecast: scaling
      ? {
          basis: scaling.forecast.basis,
          explanation: scaling.forecast.explanation,
          points: scaling.forecast.points.map((p) => ({ ...p, start: new Date(p.start), end: new Date(p.end) })),
        }
      : null,
    samples: downsampleSamples(
      rows.map((r) => ({
        at: r.at,
        requestsPerSecond: r.requestsPerSecond,
        tokensPerSecond: r.inputTokensPerSecond + r.outputTokensPerSecond,
        ttftP95Ms: r.ttftP95Ms,
        tpotP95Ms: r.tpotP95Ms,
        spotReplicas: r.spotReplicas,
        spotGpuType: r.spotGpuType,
        pctSpot: r.pctSpot,
        serverlessConcurrency: r.serverlessConcurrency,
        costPerHour: r.costPerHour,
      })),
    ),
    costPerHour: recent.length ? recent.reduce((s, r) => s + r.costPerHour, 0) / recent.length : null,
    costPerMillionTokens: tokens > 0 ? (cost / tokens) * 1e6 : null,
  };
}
