import { variantKey, type TOnlineScalingState, type TVmPool } from "@koi/planner";
import type { Tx } from "@koi/db";

/**
 * How long a move to another spot service can take on the engine's clock: Tuna's warm-up timeout
 * (1,200 s, after which the agent gives the move up), the old service's drain (210 s) and a few
 * report intervals of margin.
 */
const MOVE_SECONDS = 1_200 + 210 + 300;
/**
 * How long a spot service the agent refused or gave up a move to stays out of Koi's choices (engine
 * seconds). The reasons are mostly lasting (a GPU type it does not run, no switch command, a service
 * that never became ready), so without a pause Koi would decide the same move again each time the
 * cheaper service had stayed cheaper for the switch's persistence window.
 */
export const REFUSED_MOVE_PAUSE_SECONDS = 6 * 3_600;

/**
 * The planner's idea of the spot service serving, put right when the agent's samples name another
 * and the move Koi asked for is over: refused, failed, or acknowledged longer ago than a move can
 * take (the agent gave it up). Without this a refused move would leave Koi sizing, and sending
 * every later policy to, a service that does not serve. Returns the pool serving when it had to
 * put the state right, so the placement can follow.
 */
export async function servingVariant(
  tx: Tx,
  args: {
    assignmentId: string;
    state: TOnlineScalingState | undefined;
    servedBy: { spotGpuType: string | null; spotReplicas: number | null } | null;
    pools: readonly TVmPool[];
    /** Engine seconds per real second. */
    clockRate: number;
    now: Date;
  },
): Promise<{ state: TOnlineScalingState | undefined; movedBackTo: TVmPool | null }> {
  const { state, servedBy } = args;
  const serving = servedBy?.spotGpuType;
  const unchanged = { state, movedBackTo: null };
  if (!state?.variant || !serving || serving === state.variant.gpuType) return unchanged;
  const lastPolicy = await tx.command.findFirst({
    where: { assignmentId: args.assignmentId, type: "set_scaling" },
    orderBy: { createdAt: "desc" },
    select: { status: true, updatedAt: true },
  });
  const over =
    !lastPolicy ||
    ["REJECTED", "FAILED", "CANCELLED"].includes(lastPolicy.status) ||
    (lastPolicy.status === "COMPLETED" &&
      (args.now.getTime() - lastPolicy.updatedAt.getTime()) / 1000 > MOVE_SECONDS / args.clockRate);
  if (!over) return unchanged;
  const pool = args.pools.find((p) => p.gpuType === serving && p.market === "spot");
  if (!pool) return unchanged;
  const tp = pool.replicaSizes?.[0] ?? state.variant.tp;
  return {
    state: {
      ...state,
      variant: { poolId: pool.id, gpuType: pool.gpuType, market: pool.market, tp },
      key: variantKey({ poolId: pool.id, tp }),
      challenger: null,
      replicas: servedBy.spotReplicas ?? state.replicas,
    },
    movedBackTo: pool,
  };
}

/**
 * The spot pools a move to was refused or failed within the last `REFUSED_MOVE_PAUSE_SECONDS` of
 * engine time, each with the agent's reason: the planner is not offered them until the pause is over.
 */
export async function refusedMovePools(
  tx: Tx,
  args: { assignmentId: string; clockRate: number; now: Date },
): Promise<Map<string, { gpuType: string; detail: string }>> {
  const since = new Date(args.now.getTime() - (REFUSED_MOVE_PAUSE_SECONDS * 1000) / args.clockRate);
  const refused = await tx.command.findMany({
    where: {
      assignmentId: args.assignmentId,
      type: "set_scaling",
      status: { in: ["REJECTED", "FAILED"] },
      updatedAt: { gte: since },
    },
    orderBy: { updatedAt: "asc" },
    select: { payload: true, status: true, ackDetail: true },
  });
  const pools = new Map<string, { gpuType: string; detail: string }>();
  for (const { payload, status, ackDetail } of refused) {
    const variant = (payload as { variant?: { poolId?: unknown; gpuType?: unknown } } | null)?.variant;
    if (typeof variant?.poolId !== "string") continue;
    pools.set(variant.poolId, {
      gpuType: String(variant.gpuType),
      detail: ackDetail ?? (status === "REJECTED" ? "refused" : "failed"),
    });
  }
  return pools;
}

/** One sentence for a Decision: the spot services left out, and why. */
export function describeRefusedMoves(refused: ReadonlyMap<string, { gpuType: string; detail: string }>): string {
  if (!refused.size) return "";
  const each = [...refused.values()].map((r) => `${r.gpuType} (the agent answered: ${r.detail})`).join("; ");
  return ` Not offered, since a move there did not happen: ${each}; Koi tries again after ${REFUSED_MOVE_PAUSE_SECONDS / 3_600} hours.`;
}
