import type { TTunaScalingPolicyWire } from "@koi/contracts";
import type { TRandom } from "@koi/planner/random/seeded-random";

export type TSpotReplica = { id: number; provisionedAt: number; readyAt: number; preemptAt: number };
type TSpotPolicy = TTunaScalingPolicyWire["spot"];

/** SkyServe measures QPS over this window (simulated seconds). */
const QPS_WINDOW_SECONDS = 60;

/**
 * The SkyServe spot service behind Tuna's router: replicas boot for `provisionSeconds`, are
 * reclaimed at the spot hazard rate, and follow SkyServe's request-rate autoscaler: the target is
 * ⌈QPS ÷ target_qps⌉ within [min_replicas, max_replicas], acted on once it has held for the
 * upscale (or downscale) delay. Traffic while there is no replica scales from zero to one.
 */
export class SpotPool {
  replicas: TSpotReplica[] = [];
  preemptions = 0;
  private nextId = 0;
  private arrivals: { at: number; n: number }[] = [];
  private pending: { target: number; since: number } | null = null;

  constructor(
    public policy: TSpotPolicy,
    private readonly options: { provisionSeconds: number; preemptionPerHour: number },
    private readonly random: TRandom,
  ) {}

  /** Replicas serving at `now` (booting ones excluded). */
  ready(now: number): number {
    this.expire(now);
    return this.replicas.filter((r) => now >= r.readyAt).length;
  }

  /** Requests (and the router's warm-up pokes) reaching the SkyServe load balancer. */
  record(now: number, n = 1): void {
    this.arrivals.push({ at: now, n });
    if (this.replicas.length === 0 && this.policy.max_replicas > 0) this.launch(now, 1);
  }

  qps(now: number): number {
    this.arrivals = this.arrivals.filter((a) => a.at > now - QPS_WINDOW_SECONDS);
    return this.arrivals.reduce((s, a) => s + a.n, 0) / QPS_WINDOW_SECONDS;
  }

  /** One step of SkyServe's autoscaler. */
  autoscale(now: number): void {
    this.expire(now);
    const p = this.policy;
    const target = Math.min(p.max_replicas, Math.max(p.min_replicas, Math.ceil(this.qps(now) / p.target_qps - 1e-9)));
    const current = this.replicas.length;
    if (target === current) {
      this.pending = null;
      return;
    }
    if (!this.pending || Math.sign(this.pending.target - current) !== Math.sign(target - current))
      this.pending = { target, since: now };
    else this.pending.target = target;
    const delay = target > current ? p.upscale_delay : p.downscale_delay;
    // A new floor above the replicas running is a policy change, not a load signal: it applies at once.
    const floor = target > current && current < p.min_replicas;
    if (!floor && now - this.pending.since < delay) return;
    if (target > current) this.launch(now, target - current);
    else this.release(current - target, now);
    this.pending = null;
  }

  setPolicy(policy: TSpotPolicy, now: number): void {
    this.policy = policy;
    this.pending = null;
    if (this.replicas.length > policy.max_replicas) this.release(this.replicas.length - policy.max_replicas, now);
    if (this.replicas.length < policy.min_replicas) this.launch(now, policy.min_replicas - this.replicas.length);
  }

  private launch(now: number, count: number): void {
    const rate = this.options.preemptionPerHour / 3600;
    for (let i = 0; i < count; i++) {
      const readyAt = now + this.options.provisionSeconds;
      this.replicas.push({
        id: this.nextId++,
        provisionedAt: now,
        readyAt,
        preemptAt: rate > 0 ? readyAt + this.random.exponential(rate) : Infinity,
      });
    }
  }

  /** SkyServe scales down booting replicas first, then the newest. */
  private release(count: number, now: number): void {
    const order = [...this.replicas].sort(
      (a, b) => Number(a.readyAt <= now) - Number(b.readyAt <= now) || b.provisionedAt - a.provisionedAt,
    );
    const gone = new Set(order.slice(0, count));
    this.replicas = this.replicas.filter((r) => !gone.has(r));
  }

  private expire(now: number): void {
    const before = this.replicas.length;
    this.replicas = this.replicas.filter((r) => now < r.preemptAt);
    this.preemptions += before - this.replicas.length;
  }
}
