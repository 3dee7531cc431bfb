import type { TVmPool } from "@koi/planner";
import type { TAbandonedMove } from "./serving-variant.ts";

/**
 * How long a spot service a move to did not happen stays out of Koi's choices (engine seconds):
 * six hours the first time, doubled each time a move there fails again soon after, up to two days.
 * The reasons are mostly lasting (a GPU type the agent does not run, no switch command, a service
 * that never becomes ready), so without a pause Koi would decide the same move again each time the
 * cheaper service had stayed cheaper for the switch's persistence window; and a service that never
 * becomes ready costs its boot every time it is tried.
 */
const FIRST_PAUSE_SECONDS = 6 * 3_600;
const LONGEST_PAUSE_SECONDS = 48 * 3_600;

/**
 * A spot pool left out of Koi's choices until `until` (engine epoch seconds), after `strikes`
 * moves there in a row did not happen (absent in state saved before: one).
 */
export type TRefusedMove = TAbandonedMove & { until: number; strikes?: number };

const pauseFor = (strikes: number): number => Math.min(LONGEST_PAUSE_SECONDS, FIRST_PAUSE_SECONDS * 2 ** (strikes - 1));
/** A pause is remembered for as long again once it ends: a move that fails again by then doubles it. */
const remembered = (m: TRefusedMove, engineNow: number): boolean => m.until + pauseFor(m.strikes ?? 1) > engineNow;

/** The pauses remembered at `engineNow`, with the move that just did not happen added. */
export function keepRefusedMoves(
  previous: readonly TRefusedMove[],
  abandoned: TAbandonedMove | null,
  engineNow: number,
): TRefusedMove[] {
  const kept = previous.filter((m) => remembered(m, engineNow));
  if (!abandoned) return kept;
  const before = kept.find((m) => m.poolId === abandoned.poolId);
  const strikes = before ? (before.strikes ?? 1) + 1 : 1;
  return [...kept.filter((m) => m !== before), { ...abandoned, until: engineNow + pauseFor(strikes), strikes }];
}

/** The spot pools left out of Koi's choices at `engineNow`. */
export function pausedMoves(moves: readonly TRefusedMove[], engineNow: number): TRefusedMove[] {
  return moves.filter((m) => m.until > engineNow);
}

/** One sentence for a Decision: the spot services left out that the agent still offers, why, and for how long. */
export function describeRefusedMoves(
  moves: readonly TRefusedMove[],
  pools: readonly TVmPool[],
  engineNow: number,
): string {
  const offered = pausedMoves(moves, engineNow).filter((m) => pools.some((p) => p.id === m.poolId));
  if (!offered.length) return "";
  const hours = (m: TRefusedMove) => Math.max(1, Math.round((m.until - engineNow) / 3_600));
  return ` Not offered, since a move there did not happen: ${offered.map((m) => `${m.gpuType} (${m.detail}; Koi tries again in ${hours(m)} h)`).join("; ")}.`;
}
