import { describe, expect, it } from "vitest";
import { describeRefusedMoves, keepRefusedMoves, pausedMoves, type TRefusedMove } from "./refused-moves.ts";

const H = 3_600;
const l40s = { poolId: "p-l40s", gpuType: "L40S", detail: "the new service never answered" };
const pool = { id: "p-l40s", gpuType: "L40S", market: "spot" as const, available: 8, pricePerGpuHour: 0.9 };

/** Each time the pause ends, the same move is tried and fails again at once. */
function failEachTime(times: number): TRefusedMove[][] {
  let moves: TRefusedMove[] = [];
  let now = 0;
  const history: TRefusedMove[][] = [];
  for (let i = 0; i < times; i++) {
    moves = keepRefusedMoves(moves, l40s, now);
    history.push(moves);
    now = moves[0]!.until;
  }
  return history;
}

describe("refused moves", () => {
  it("pause a service six hours, doubling each time a move there fails again, up to two days", () => {
    const pauses = failEachTime(6).map((m, i, all) => (m[0]!.until - (i ? all[i - 1]![0]!.until : 0)) / H);
    expect(pauses).toEqual([6, 12, 24, 48, 48, 48]);
  });

  it("start again at six hours once a pause is long over, and keep a pause saved without its count as one", () => {
    const [first] = failEachTime(1);
    // Remembered for as long again as it paused: 12 h after the refusal the memory is gone.
    expect(keepRefusedMoves(first!, null, 11 * H)).toHaveLength(1);
    expect(keepRefusedMoves(first!, null, 12 * H)).toEqual([]);
    expect(keepRefusedMoves(first!, l40s, 13 * H)[0]).toMatchObject({ until: 19 * H, strikes: 1 });
    const saved: TRefusedMove[] = [{ ...l40s, until: 6 * H }];
    expect(keepRefusedMoves(saved, l40s, 7 * H)[0]).toMatchObject({ until: 19 * H, strikes: 2 });
  });

  it("leave a service out only while its pause runs, and say for how long", () => {
    const [first] = failEachTime(1);
    expect(pausedMoves(first!, 5 * H)).toHaveLength(1);
    expect(pausedMoves(first!, 6 * H)).toEqual([]);
    expect(describeRefusedMoves(first!, [pool], 2 * H)).toBe(
      " Not offered, since a move there did not happen: L40S (the new service never answered; Koi tries again in 4 h).",
    );
    expect(describeRefusedMoves(first!, [pool], 6 * H)).toBe("");
  });
});
