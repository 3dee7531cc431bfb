import type { TFleetTrace } from "../../src/sim/fleet-types.ts";
import { generateFleetTrace } from "../../src/sim/generate-fleet-trace.ts";
import type { TOnlinePolicyFactory, TOnlineWeekResult } from "../../src/sim/online-week-types.ts";
import { simulateOnlineWeek } from "../../src/sim/simulate-online-week.ts";

/** Every service's minutes must reach this for a setting to count as meeting the SLO. */
export const SLO_GOAL = 0.995;

/**
 * The trace's online services with the trace's spot pools. On-demand is not capped: the
 * always-on baseline buys its peak fleet outright (as the fleet benchmark's static fleets do).
 */
export function onlineTrace(seed: number): TFleetTrace {
  const trace = generateFleetTrace({ seed });
  return { ...trace, pools: trace.pools.map((p) => (p.market === "on-demand" ? { ...p, capacity: 10_000 } : p)) };
}

export type TSweepRow = { setting: string; result: TOnlineWeekResult; meetsGoal: boolean };

/**
 * Runs each setting on a week and picks the cheapest one whose every service keeps ≥ 99.5% of
 * its minutes (or, when none does, the one that keeps the most).
 */
export function tune<T>(
  trace: TFleetTrace,
  settings: readonly T[],
  describe: (s: T) => string,
  factory: (s: T) => TOnlinePolicyFactory,
): { rows: TSweepRow[]; chosen: T } {
  const rows = settings.map((s) => {
    const result = simulateOnlineWeek(trace, factory(s));
    return { setting: describe(s), result, meetsGoal: result.services.every((x) => x.met / x.minutes >= SLO_GOAL) };
  });
  let best = 0;
  rows.forEach((r, i) => {
    const b = rows[best]!;
    const better = r.meetsGoal
      ? !b.meetsGoal || r.result.cost.total < b.result.cost.total
      : !b.meetsGoal && r.result.attainment > b.result.attainment;
    if (better) best = i;
  });
  return { rows, chosen: settings[best]! };
}
