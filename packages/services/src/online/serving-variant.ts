import { variantKey, type TOnlineScalingState, type TVmPool } from "@koi/planner";
import type { Tx } from "@koi/db";

/** Tuna's warm-up timeout: the agent gives a move up when the new service is not ready by then. */
const MOVE_BOOT_SECONDS = 1_200;
/**
 * How long a move to another spot service can take on the engine's clock: the warm-up timeout, the
 * old service's drain (210 s) and a few report intervals of margin.
 */
const MOVE_SECONDS = MOVE_BOOT_SECONDS + 210 + 300;

/** A move to another spot service that did not happen, and why (for the Decision that follows). */
export type TAbandonedMove = { poolId: string; gpuType: string; detail: string };
/**
 * The planner's idea of the spot service serving, put right when the agent's samples name another
 * and the move Koi asked for is over: refused, failed, or acknowledged longer ago than a move can
 * take (the agent gave it up). Without this a refused move would leave Koi sizing, and sending
 * every later policy to, a service that does not serve. Returns the pool serving when it had to
 * put the state right, so the placement can follow, and the move that did not happen, with why.
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
): Promise<{
  state: TOnlineScalingState | undefined;
  movedBackTo: TVmPool | null;
  abandoned: TAbandonedMove | null;
}> {
  const { state, servedBy } = args;
  const serving = servedBy?.spotGpuType;
  const unchanged = { state, movedBackTo: null, abandoned: null };
  if (!state?.variant || !serving || serving === state.variant.gpuType) return unchanged;
  const lastPolicy = await tx.command.findFirst({
    where: { assignmentId: args.assignmentId, type: "set_scaling" },
    orderBy: { createdAt: "desc" },
    select: { status: true, updatedAt: true, ackDetail: true },
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
    abandoned: {
      poolId: state.variant.poolId,
      gpuType: state.variant.gpuType,
      detail:
        lastPolicy?.status === "COMPLETED"
          ? `the agent took the move, but its samples still name ${serving} ${Math.round(MOVE_SECONDS / 60)} min later (it gives a move up when the new service is not ready in ${Math.round(MOVE_BOOT_SECONDS / 60)} min)`
          : lastPolicy?.ackDetail
            ? `the agent answered: ${lastPolicy.ackDetail.slice(0, 200)}`
            : lastPolicy?.status === "CANCELLED"
              ? "the move was cancelled before the agent took it"
              : `its samples name ${serving}`,
    },
  };
}
