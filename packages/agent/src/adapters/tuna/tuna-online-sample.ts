import type { TOnlineSample, TTunaRouterHealth, TTunaScalingPolicyWire } from "@koi/contracts";
import type { TStatsVector } from "./tuna-usage.ts";
import { histogramDelta, histogramQuantile, histogramSum, type TVllmScrape } from "./vllm-scrape.ts";

export type TBackendName = "spot" | "serverless";

/** What the adapter remembers between polls to turn cumulative counters into a sample. */
export type TOnlineObserver = {
  /** Engine clock: the agent's time when the router's uptime was `uptime` (re-anchored on restart). */
  anchor: { atMs: number; uptime: number };
  lastUptime: number;
  /** Router counters at the last poll (`serverless` is absent in state saved by an older agent). */
  last: { total: number; spot: number; serverless?: number; rejected: number; ready?: number };
  scrapes: Partial<Record<TBackendName, TVllmScrape>>;
  /**
   * The last read of each server process a backend answered from, when it names its process
   * (newest last; absent in state saved by an older agent). SkyServe answers the spot URL's
   * /metrics from any one replica: a read is compared only with its own process's last read.
   */
  reads?: Partial<Record<TBackendName, TProcessRead[]>>;
  /**
   * Spot replica-seconds since attach (replicas × engine seconds): as the router counts them when
   * it tells the replicas, else SkyServe's replicas as its autoscaler would set them (`estimateSpotReplicas`).
   */
  spotReplicaSeconds: number;
  /** Spot replicas at the last poll: the router's count, or the estimate for one that gives none. */
  lastSpotReplicas: number | null;
  /** The scaling policy Koi last applied (null: whatever `tuna deploy` set). */
  policy: TTunaScalingPolicyWire | null;
};

export function startObserver(health: TTunaRouterHealth, nowMs: number): TOnlineObserver {
  const uptime = health.route_stats.uptime_seconds;
  return {
    anchor: { atMs: nowMs, uptime },
    lastUptime: uptime,
    last: { total: 0, spot: 0, serverless: 0, rejected: 0, ready: 0 },
    scrapes: {},
    spotReplicaSeconds: 0,
    lastSpotReplicas: health.spot_replicas ?? null,
    policy: null,
  };
}

export type TScrapeResult = Partial<Record<TBackendName, TVllmScrape>> & { errors: string[] };

/**
 * The spot replicas SkyServe runs while spot is ready, for a router that does not say (Tuna's
 * does not): its autoscaler's rule, the spot requests per second over `target_qps`, within the
 * policy's bounds and at least one (its up/downscale delays aside). Without a policy from Koi,
 * one, as `tuna cost` counts.
 */
export function estimateSpotReplicas(policy: TTunaScalingPolicyWire | null, spotRps: number): number {
  if (!policy) return 1;
  const { min_replicas, max_replicas, target_qps } = policy.spot;
  const wanted = Math.ceil(spotRps / Math.max(1, target_qps) - 1e-9);
  return Math.max(1, Math.min(max_replicas, Math.max(min_replicas, wanted)));
}

/**
 * The interval's spot replica-seconds and the replicas to carry to the next poll: the router's
 * count held since the last poll, or, when it gives none, the estimate under the policy of the
 * service serving while spot was ready.
 */
function spotInterval(
  observer: TOnlineObserver,
  counted: number | null,
  since: TStatsVector,
  interval: number,
  spotPolicy: TTunaScalingPolicyWire | null,
): { replicaSeconds: number; replicas: number | null } {
  if (counted !== null)
    return { replicaSeconds: (observer.lastSpotReplicas ?? 0) * Math.max(0, interval), replicas: counted };
  const ready = Math.max(0, since.spot_ready_seconds - (observer.last.ready ?? since.spot_ready_seconds));
  const spotRps = interval > 0 ? Math.max(0, since.spot - observer.last.spot) / interval : 0;
  const replicas = ready > 0 ? estimateSpotReplicas(spotPolicy, spotRps) : 0;
  return { replicaSeconds: ready * replicas, replicas };
}

/** One process's read, at the router's uptime. */
export type TProcessRead = { uptime: number; scrape: TVllmScrape };
/**
 * Processes remembered per backend (a read is a few kB of the agent's saved state). A service with
 * more replicas than this still gets samples: a read from one that was forgotten starts it again.
 */
const PROCESSES_KEPT = 16;

/** The read to count a backend's new read from: its own process's last, or the backend's last when the process is unnamed. */
function baselineOf(observer: TOnlineObserver, b: TBackendName, read: TVllmScrape): TProcessRead | null {
  if (read.instance === null) {
    const last = observer.scrapes[b];
    return last ? { uptime: observer.lastUptime, scrape: last } : null;
  }
  return observer.reads?.[b]?.find((r) => r.scrape.instance === read.instance) ?? null;
}

function remember(
  reads: TOnlineObserver["reads"],
  scrape: TScrapeResult,
  uptime: number,
): NonNullable<TOnlineObserver["reads"]> {
  const next = { ...reads };
  for (const b of ["spot", "serverless"] as const) {
    const read = scrape[b];
    if (!read || read.instance === null) continue;
    next[b] = [...(next[b] ?? []).filter((r) => r.scrape.instance !== read.instance), { uptime, scrape: read }].slice(
      -PROCESSES_KEPT,
    );
  }
  return next;
}

const ms = (s: number | null): number | null => (s === null ? null : Math.round(s * 10_000) / 10);

/**
 * One interval's sample from the router's counters since attach (`since`) and the backends'
 * /metrics. The interval is measured on the router's uptime, so rates are per engine second
 * (a simulator running faster than real time reports its own seconds). null on the first poll
 * after an attach or a router restart: there is no interval to divide by yet. `spotPolicy` is the
 * policy of the spot service the router sent traffic to (while a switch boots, the old one's).
 */
export function observeInterval(
  observer: TOnlineObserver,
  health: TTunaRouterHealth,
  since: TStatsVector,
  scrape: TScrapeResult,
  nowMs: number,
  spotPolicy: TTunaScalingPolicyWire | null = observer.policy,
): { observer: TOnlineObserver; sample: TOnlineSample | null } {
  const uptime = health.route_stats.uptime_seconds;
  const restarted = uptime < observer.lastUptime;
  const anchor = restarted ? { atMs: nowMs, uptime } : observer.anchor;
  const interval = restarted ? 0 : uptime - observer.lastUptime;
  const replicas = health.spot_replicas ?? null;
  const spot = spotInterval(observer, replicas, since, interval, spotPolicy);
  const next: TOnlineObserver = {
    ...observer,
    anchor,
    lastUptime: uptime,
    last: {
      total: since.total,
      spot: since.spot,
      serverless: since.serverless,
      rejected: since.rejected,
      ready: since.spot_ready_seconds,
    },
    scrapes: {
      ...observer.scrapes,
      ...(scrape.spot ? { spot: scrape.spot } : {}),
      ...(scrape.serverless ? { serverless: scrape.serverless } : {}),
    },
    reads: remember(observer.reads, scrape, uptime),
    spotReplicaSeconds: observer.spotReplicaSeconds + spot.replicaSeconds,
    lastSpotReplicas: spot.replicas,
  };
  if (interval <= 0) return { observer: next, sample: null };

  const backends = (["spot", "serverless"] as const).filter((b) => scrape[b]);
  const baselines = new Map(backends.map((b) => [b, baselineOf(observer, b, scrape[b]!)]));
  const routed = (b: TBackendName): number => Math.max(0, since[b] - (observer.last[b] ?? since[b]));
  // Tokens over the interval. A backend that does not name its process is read as a whole: its
  // counters' growth. A named process may be one replica of several, so its tokens per finished
  // request are scaled to the requests the router sent that backend (its own rate when none finished).
  const delta = (pick: (s: TVllmScrape) => number): number =>
    backends.reduce((sum, b) => {
      const read = scrape[b]!;
      const base = baselines.get(b);
      const now = pick(read);
      if (read.instance === null) {
        const before = base ? pick(base.scrape) : now;
        return sum + (now >= before ? now - before : now);
      }
      if (!base) return sum;
      const grown = now - pick(base.scrape);
      const finished = read.requestsFinished - base.scrape.requestsFinished;
      if (finished > 0) return sum + (grown / finished) * routed(b);
      return sum + (grown / Math.max(interval, uptime - base.uptime)) * interval;
    }, 0);
  // A named process's first read has nothing to compare with; an unnamed backend's counts from its start.
  const hist = (pick: (s: TVllmScrape) => TVllmScrape["ttft"]) =>
    histogramSum(
      backends.flatMap((b) => {
        const base = baselines.get(b);
        if (!base && scrape[b]!.instance !== null) return [];
        return [histogramDelta(base ? pick(base.scrape) : undefined, pick(scrape[b]!))];
      }),
    );
  const requests = Math.max(0, since.total - observer.last.total);
  const kv = backends.map((b) => scrape[b]!.kvCacheUsage).filter((v): v is number => v !== null);
  return {
    observer: next,
    sample: {
      t: new Date(anchor.atMs + (uptime - anchor.uptime) * 1000).toISOString(),
      intervalSeconds: interval,
      requestsPerSecond: requests / interval,
      inputTokensPerSecond: delta((s) => s.promptTokens) / interval,
      outputTokensPerSecond: delta((s) => s.generationTokens) / interval,
      ttftP95Ms: ms(
        histogramQuantile(
          0.95,
          hist((s) => s.ttft),
        ),
      ),
      tpotP95Ms: ms(
        histogramQuantile(
          0.95,
          hist((s) => s.tpot),
        ),
      ),
      e2eP95Ms: ms(
        histogramQuantile(
          0.95,
          hist((s) => s.e2e),
        ),
      ),
      running: backends.reduce((s, b) => s + scrape[b]!.running, 0),
      waiting: backends.reduce((s, b) => s + scrape[b]!.waiting, 0),
      kvCacheUsage: kv.length ? Math.max(...kv) : null,
      pctSpot: requests > 0 ? (100 * Math.max(0, since.spot - observer.last.spot)) / requests : 0,
      rejected: Math.max(0, since.rejected - observer.last.rejected),
      spotReplicas: replicas,
      serverlessConcurrency: observer.policy?.serverless.concurrency ?? null,
      scrapeErrors: scrape.errors.slice(0, 8),
    },
  };
}
