import { latencyAtRate, meetsTargets, type TLatencyTargets, type TRateLatency } from "../online/latency-at-rate.ts";
import type { TReplicaProfile } from "../online/profile-replica.ts";

/** Tuna's router: a spot connection error or a newly READY spot backend costs a poke interval on serverless. */
const POKE_SECONDS = 5;

export type TSpotMinute = {
  /** Seconds of the minute the router sent traffic to spot. */
  spotSeconds: number;
  /** Requests whose latency breaks the p95 targets, and what broke it. */
  failing: number;
  why: "latency" | "backlog" | "reclaim" | null;
  /** Requests queued beyond what the fleet finishes, carried into the next minute. */
  backlog: number;
  /** What the replicas' /metrics would report this minute (null when spot served nothing). */
  observed: (TRateLatency & { rpsPerReplica: number }) | null;
};

/**
 * One minute of the active spot deployment. `spans` are the seconds each replica was READY within
 * [t, t + 60); while at least one is, the router sends everything to spot and SkyServe splits it
 * evenly. A reclaim of a ready replica, and spot coming up from none, each cost a 5 s poke on
 * serverless; requests in flight on a reclaimed replica fail over late. Beyond the fleet's
 * full-batch rate a backlog builds, and its wait adds to TTFT until it drains.
 */
export function serveSpotMinute(args: {
  t: number;
  load: number;
  spans: readonly [number, number][];
  reclaimed: number;
  backlog: number;
  profile: TReplicaProfile | null;
  targets: TLatencyTargets;
}): TSpotMinute {
  const { t, load, reclaimed, profile, targets } = args;
  const { readySeconds, replicaSeconds, starts } = unionOf(args.spans, t);
  const spotSeconds = Math.max(0, readySeconds - POKE_SECONDS * (starts + reclaimed));
  if (!profile || spotSeconds <= 0) return { spotSeconds: 0, failing: 0, why: null, backlog: 0, observed: null };
  const replicas = replicaSeconds / readySeconds;
  const rpsPerReplica = load / replicas;
  const capacity = replicas * profile.rps.at(-1)!;
  const backlog = Math.max(0, args.backlog + (load - capacity) * spotSeconds);
  const latency = latencyAtRate(profile, rpsPerReplica);
  let failing = 0;
  let why: TSpotMinute["why"] = null;
  if (!meetsTargets(latency, targets) || (backlog / capacity) * 1000 + latency.ttftP95Ms > targets.ttftP95Ms) {
    failing += load * spotSeconds;
    why = backlog > 0 ? "backlog" : "latency";
  }
  if (reclaimed > 0) {
    failing += reclaimed * latency.concurrency;
    why ??= "reclaim";
  }
  return { spotSeconds, failing, why, backlog, observed: { ...latency, rpsPerReplica } };
}

/** Seconds some replica was ready, replica-seconds, and how many times spot came up from none. */
function unionOf(spans: readonly [number, number][], t: number) {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let readySeconds = 0;
  let replicaSeconds = 0;
  let starts = 0;
  let coverEnd = t;
  for (const [a, b] of sorted) {
    replicaSeconds += b - a;
    if (a > coverEnd) {
      starts++;
      readySeconds += b - a;
    } else if (b > coverEnd) readySeconds += b - coverEnd;
    coverEnd = Math.max(coverEnd, b);
  }
  return { readySeconds, replicaSeconds, starts };
}
