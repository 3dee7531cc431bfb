import type { TVmPool } from "@koi/planner";
import type { TAbandonedMove } from "./serving-variant.ts";

/**
 * How long a spot service a move to did not happen stays out of Koi's choices (engine seconds).
 * The reasons are mostly lasting (a GPU type the agent does not run, no switch command, a service
 * that never becomes ready), so without a pause Koi would decide the same move again each time the
 * cheaper service had stayed cheaper for the switch's persistence window.
 */
const PAUSE_SECONDS = 6 * 3_600;

/** A spot pool left out of Koi's choices until `until` (engine epoch seconds). */
export type TRefusedMove = TAbandonedMove & { until: number };

/** The pauses still running at `engineNow`, with the move that just did not happen added. */
export function keepRefusedMoves(
  previous: readonly TRefusedMove[],
  abandoned: TAbandonedMove | null,
  engineNow: number,
): TRefusedMove[] {
  const running = previous.filter((m) => m.until > engineNow && m.poolId !== abandoned?.poolId);
  return abandoned ? [...running, { ...abandoned, until: engineNow + PAUSE_SECONDS }] : running;
}

/** One sentence for a Decision: the spot services left out that the agent still offers, and why. */
export function describeRefusedMoves(moves: readonly TRefusedMove[], pools: readonly TVmPool[]): string {
  const offered = moves.filter((m) => pools.some((p) => p.id === m.poolId));
  if (!offered.length) return "";
  return ` Not offered, since a move there did not happen: ${offered.map((m) => `${m.gpuType} (${m.detail})`).join("; ")}; Koi tries again after ${PAUSE_SECONDS / 3_600} hours.`;
}
