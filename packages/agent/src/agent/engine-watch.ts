import type { TGpuPool, TMachineShape } from "@koi/contracts";
import type { TEngineAdapter } from "../adapters/types.ts";
import type { TAgentContext } from "./agent-context.ts";

/**
 * Whether the engines answer, and their inventory (re-read at most every `maxAgeMs`). A change of
 * reachability becomes an engine_unreachable / engine_recovered event for Koi.
 */
export class EngineWatch {
  reachable = true;
  lastError: string | null = null;
  private cache: { pools: TGpuPool[]; at: number } | null = null;

  constructor(
    private readonly ctx: TAgentContext,
    private readonly adapters: readonly TEngineAdapter[],
    private readonly maxAgeMs: number,
    private readonly machineShapes: Readonly<Record<string, TMachineShape>> = {},
  ) {}

  /** Pools from every adapter, or null when an engine could not be read. */
  async inventory(): Promise<{ pools: TGpuPool[]; collectedAt: string } | null> {
    if (!this.cache || this.ctx.nowMs() - this.cache.at >= this.maxAgeMs) {
      try {
        const pools = (await Promise.all(this.adapters.map((a) => a.inventory()))).flat().map((p) => this.withShape(p));
        this.cache = { pools, at: this.ctx.nowMs() };
        await this.observe(true, null);
      } catch (error) {
        await this.observe(false, (error as Error).message);
        return null;
      }
    }
    return { pools: this.cache.pools, collectedAt: new Date(this.cache.at).toISOString() };
  }

  /** The configured machines of the pool's GPU type; serverless GPUs are sold one by one, and an engine's own shape wins. */
  private withShape(pool: TGpuPool): TGpuPool {
    const shape = this.machineShapes[pool.gpuType];
    return shape && !pool.shape && pool.market !== "serverless" ? { ...pool, shape } : pool;
  }

  async observe(reachable: boolean, error: string | null): Promise<void> {
    this.lastError = error?.slice(0, 500) ?? this.lastError;
    if (reachable === this.reachable) return;
    this.reachable = reachable;
    const at = new Date(this.ctx.nowMs()).toISOString();
    const type = reachable ? "engine_recovered" : "engine_unreachable";
    await this.ctx.enqueueEvents([
      {
        eventId: `agent:${this.ctx.state.data.instanceId}:${type}:${at}`,
        at,
        type,
        detail: error ?? "engine answers again",
        engineRef: null,
        source: "agent",
      },
    ]);
  }
}
