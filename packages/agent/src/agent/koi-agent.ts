import { hostname } from "node:os";
import { join } from "node:path";
import {
  AGENT_PROTOCOL_PATHS,
  ZHeartbeatResponse,
  ZRegisterResponse,
  fillPath,
  type TAckRequest,
  type TCapability,
  type TClusterInfo,
  type TEngineKind,
  type THeartbeatRequest,
  type TLifecycleEvent,
  type TMachineShape,
  type TRegisterRequest,
} from "@koi/contracts";
import type { TEngineAdapter } from "../adapters/types.ts";
import { abortableSleep, heartbeatDelayMs, retryDelayMs, type TBackoffPolicy, type TRandomSource } from "@koi/sdk";
import { KoiClient, KoiHttpError } from "@koi/sdk";
import { silentLogger, type TLogger } from "../logger.ts";
import { Spool } from "../spool/spool.ts";
import { AgentState } from "../state/agent-state.ts";
import type { TAgentContext } from "./agent-context.ts";
import { EngineWatch } from "./engine-watch.ts";
import { flushSpool } from "./flush-spool.ts";
import { handleRawCommand } from "./handle-command.ts";
import { createKeyedLock } from "./keyed-lock.ts";
import { reportAssignment } from "./report-assignment.ts";
import { spoolEvents } from "./spool-events.ts";

export const AGENT_VERSION = "0.1.0";
const MIN_EMPTY_POLL_MS = 200;

export type TKoiAgentOptions = {
  koiUrl: string;
  apiKey: string;
  engine: TEngineKind;
  adapters: TEngineAdapter[];
  spoolDir: string;
  cluster: TClusterInfo;
  reportIntervalSeconds?: number;
  commandWaitSeconds?: number;
  /** Inventory is re-read from the engine at most this often. */
  inventoryMaxAgeSeconds?: number;
  /** Machine shapes by GPU type (from the agent's config), reported with every non-serverless pool. */
  machineShapes?: Readonly<Record<string, TMachineShape>>;
  logger?: TLogger;
  fetchImpl?: typeof fetch;
  random?: TRandomSource;
  backoff?: TBackoffPolicy;
  /** Injected by tests to observe or skip waits. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  nowMs?: () => number;
};

/**
 * koi-agent: registers with Koi, heartbeats (server-chosen interval ± 10 %), long-polls commands,
 * runs them through the engine adapters, and reports. Everything it sends Koi after registering
 * goes through the on-disk spool, so a Koi outage delays data but does not lose it.
 */
export class KoiAgent {
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly listeners: { close: () => Promise<void> }[] = [];
  private agentId: string | null = null;
  private heartbeatSeconds = 10;
  private commandWaitSeconds: number;
  private registration: Promise<void> | null = null;
  private registrations = 0;
  private registeredSignal!: () => void;
  private registered = new Promise<void>((resolve) => (this.registeredSignal = resolve));
  private wakeFlusher: () => void = () => {};
  private readonly engines: EngineWatch;
  private heartbeats = 0;
  private readonly startedAt: number;
  private readonly ctx: TAgentContext;
  readonly client: KoiClient;
  readonly logger: TLogger;

  private constructor(
    private readonly options: TKoiAgentOptions,
    readonly state: AgentState,
    readonly spool: Spool,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.commandWaitSeconds = options.commandWaitSeconds ?? 25;
    const nowMs = options.nowMs ?? Date.now;
    this.startedAt = nowMs();
    this.client = new KoiClient({
      baseUrl: options.koiUrl,
      apiKey: options.apiKey,
      userAgent: `koi-agent/${AGENT_VERSION} (${options.engine})`,
      fetchImpl: options.fetchImpl,
      random: options.random,
      backoff: options.backoff,
      sleep: options.sleep,
      nowMs,
      logger: this.logger,
    });
    this.ctx = {
      state,
      spool,
      client: this.client,
      adapters: options.adapters,
      logger: this.logger,
      nowMs,
      enqueueAck: (command, status, detail, engineRef) => this.enqueueAck(command, status, detail, engineRef),
      enqueueEvents: (events) => this.enqueueEvents(events),
      lockAssignment: createKeyedLock(),
    };
    this.engines = new EngineWatch(
      this.ctx,
      options.adapters,
      (options.inventoryMaxAgeSeconds ?? 60) * 1000,
      options.machineShapes ?? {},
    );
    spool.onAppend(() => this.wakeFlusher());
  }

  static async create(options: TKoiAgentOptions): Promise<KoiAgent> {
    const state = await AgentState.open(options.spoolDir);
    const spool = await Spool.open(join(options.spoolDir, "spool"), { logger: options.logger ?? silentLogger });
    return new KoiAgent(options, state, spool);
  }

  get id(): string | null {
    return this.agentId;
  }

  private get signal(): AbortSignal {
    return this.abort.signal;
  }

  private sleep(ms: number): Promise<void> {
    return (this.options.sleep ?? abortableSleep)(ms, this.signal);
  }

  /** Starts the webhook listeners and every loop; resolves once listeners are up (registration runs in the background). */
  async start(): Promise<{ webhookUrls: string[] }> {
    const webhookUrls: string[] = [];
    for (const adapter of this.options.adapters) {
      if (!adapter.startWebhookListener) continue;
      const listener = await adapter.startWebhookListener((events) => this.enqueueEvents(events));
      this.listeners.push(listener);
      webhookUrls.push(listener.url);
      this.logger.info("listening for engine webhooks", { engine: adapter.kind, url: listener.url });
    }
    void this.reregister();
    for (const loop of [
      () => this.flushLoop(),
      () => this.heartbeatLoop(),
      () => this.commandLoop(),
      () => this.reportLoop(),
    ]) {
      this.loops.push(
        loop().catch((error: unknown) => this.logger.error("agent loop crashed", { error: (error as Error).message })),
      );
    }
    return { webhookUrls };
  }

  /** Resolves once registered (for tests and the CLI's first log line). */
  whenRegistered(): Promise<void> {
    return this.registered;
  }

  /** Registered, or stopping: loops must not wait for a Koi that never answers when asked to stop. */
  private registeredOrStopped(): Promise<void> {
    return Promise.race([
      this.registered,
      new Promise<void>((resolve) => this.signal.addEventListener("abort", () => resolve(), { once: true })),
    ]);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.wakeFlusher();
    await Promise.all(this.loops);
    await Promise.all(this.listeners.map((l) => l.close()));
    await this.spool.close();
    await this.state.save();
  }

  // ---- registration -------------------------------------------------------------------------

  /** One registration at a time; callers that hit a 404 (Koi forgot us) all wait on the same one. */
  reregister(): Promise<void> {
    this.registration ??= this.register().finally(() => (this.registration = null));
    return this.registration;
  }

  private async register(): Promise<void> {
    const detected: (readonly TCapability[])[] = await Promise.all(
      this.options.adapters.map((a) =>
        (a.detectCapabilities?.() ?? Promise.resolve([])).catch((error: unknown) => {
          this.logger.warn("could not ask the engine what it supports; registering without its optional capabilities", {
            engine: a.kind,
            error: error instanceof Error ? error.message : String(error),
          });
          return [];
        }),
      ),
    );
    // Koi offers what an engine declares (prefill/decode splits) on every pool of the agent,
    // whichever of its engines runs the plan: so only what all of its engines declare counts.
    const everyEngine = detected.reduce((common, caps) => common.filter((c) => caps.includes(c)), detected[0] ?? []);
    const capabilities = [
      ...new Set([...this.options.adapters.flatMap((a) => a.capabilities), ...everyEngine]),
    ] as TCapability[];
    const body: TRegisterRequest = {
      instanceId: this.state.data.instanceId,
      engine: this.options.engine,
      engineVersion: null,
      agentVersion: AGENT_VERSION,
      protocolVersion: 1,
      cluster: this.options.cluster,
      capabilities,
      hostname: hostname().slice(0, 255),
    };
    // A new key per registration (not per retry): re-registering after a 404 must not replay a cached answer.
    const idempotencyKey = `register:${this.state.data.instanceId}:${this.startedAt}:${++this.registrations}`;
    for (let attempt = 0; !this.signal.aborted; attempt++) {
      try {
        const response = await this.client.call(
          { method: "POST", path: AGENT_PROTOCOL_PATHS.register, body, idempotencyKey, signal: this.signal },
          ZRegisterResponse,
        );
        this.agentId = response.agentId;
        this.heartbeatSeconds = response.heartbeatIntervalSeconds;
        if (response.commandWaitSeconds !== undefined)
          this.commandWaitSeconds = Math.min(this.commandWaitSeconds, response.commandWaitSeconds);
        this.state.data.agentId = response.agentId;
        await this.state.save();
        this.logger.info("registered", {
          agentId: response.agentId,
          heartbeatIntervalSeconds: response.heartbeatIntervalSeconds,
        });
        this.registeredSignal();
        this.wakeFlusher();
        return;
      } catch (error) {
        if (this.signal.aborted) return;
        // call() already retried network errors, 429 and 5xx; what lands here is 4xx (bad key, bad body).
        this.logger.error("registration failed; retrying", { error: (error as Error).message });
        await this.sleep(retryDelayMs(attempt, undefined, this.client.backoff, this.client.random));
      }
    }
  }

  // ---- spool producers ----------------------------------------------------------------------

  private async enqueueAck(
    command: { commandId: string; assignmentId: string; epoch: number },
    status: TAckRequest["status"],
    detail: string,
    engineRef?: string,
  ): Promise<void> {
    const body: TAckRequest = {
      assignmentId: command.assignmentId,
      epoch: command.epoch,
      status,
      detail: detail.slice(0, 2000),
      ...(engineRef ? { engineRef } : {}),
      at: new Date(this.ctx.nowMs()).toISOString(),
    };
    await this.spool.append({
      kind: "ack",
      pathTemplate: AGENT_PROTOCOL_PATHS.ack,
      params: { commandId: command.commandId },
      body,
      idempotencyKey: `ack:${command.commandId}:${status}`,
    });
  }

  /** Ties events to assignments this agent holds, validates them, and spools them (fsync'd) before resolving. */
  enqueueEvents(events: TLifecycleEvent[]): Promise<void> {
    return spoolEvents(this.state, this.spool, this.logger, events);
  }

  // ---- loops --------------------------------------------------------------------------------

  private async flushLoop(): Promise<void> {
    while (!this.signal.aborted) {
      await flushSpool(
        {
          ...this.ctx,
          agentId: () => this.agentId,
          reregister: () => this.reregister(),
          onStaleReport: (assignmentId) => this.revoke(assignmentId),
        },
        this.signal,
      );
      if (this.signal.aborted) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        this.wakeFlusher = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private revoke(assignmentId: string): void {
    const a = this.state.data.assignments[assignmentId];
    if (!a || a.finalReported) return;
    a.finalReported = true;
    this.logger.warn("assignment revoked by Koi; no longer reporting it", { assignmentId, epoch: a.epoch });
    void this.state.save();
  }

  /** Builds and sends one heartbeat; exposed for tests. */
  async heartbeatOnce(): Promise<number> {
    const inventory = await this.engines.inventory();
    const now = this.ctx.nowMs();
    const recent = Object.values(this.state.data.assignments).filter(
      (a) => !a.finalReported || now - Date.parse(a.updatedAt) < 3_600_000,
    );
    const body: THeartbeatRequest = {
      sentAt: new Date(now).toISOString(),
      inventory: inventory ? { collectedAt: inventory.collectedAt, pools: inventory.pools.slice(0, 500) } : null,
      assignments: recent
        .slice(0, 1000)
        .map((a) => ({ assignmentId: a.assignmentId, epoch: a.epoch, state: a.state, engineRef: a.engineRef })),
      metrics: {
        uptimeSeconds: (now - this.startedAt) / 1000,
        spoolPending: this.spool.pending().length,
        spoolOldestAgeSeconds: this.spool.oldestAgeSeconds(now),
        engineReachable: this.engines.reachable,
        lastEngineError: this.engines.lastError,
      },
    };
    const path = fillPath(AGENT_PROTOCOL_PATHS.heartbeat, { agentId: this.agentId! });
    const response = await this.client.call(
      {
        method: "POST",
        path,
        body,
        idempotencyKey: `heartbeat:${this.agentId}:${this.startedAt}:${++this.heartbeats}`,
        signal: this.signal,
      },
      ZHeartbeatResponse,
      3,
    );
    for (const revoked of response.revokedAssignments ?? []) {
      const a = this.state.data.assignments[revoked.assignmentId];
      if (a && a.epoch <= revoked.epoch) this.revoke(revoked.assignmentId);
    }
    this.heartbeatSeconds = response.nextHeartbeatSeconds;
    return response.nextHeartbeatSeconds;
  }

  private async heartbeatLoop(): Promise<void> {
    await this.registeredOrStopped();
    if (this.signal.aborted) return;
    let failures = 0;
    while (!this.signal.aborted) {
      let delay: number;
      try {
        await this.heartbeatOnce();
        failures = 0;
        delay = heartbeatDelayMs(this.heartbeatSeconds, this.client.random);
      } catch (error) {
        if (this.signal.aborted) return;
        if (error instanceof KoiHttpError && error.status === 404) await this.reregister();
        this.logger.warn("heartbeat failed", { error: (error as Error).message });
        delay = Math.min(
          this.heartbeatSeconds * 1000,
          retryDelayMs(failures++, undefined, this.client.backoff, this.client.random),
        );
      }
      await this.sleep(delay);
    }
  }

  private async commandLoop(): Promise<void> {
    await this.registeredOrStopped();
    if (this.signal.aborted) return;
    let failures = 0;
    while (!this.signal.aborted) {
      const path = `${fillPath(AGENT_PROTOCOL_PATHS.commands, { agentId: this.agentId! })}?wait=${this.commandWaitSeconds}`;
      let retryAfterMs: number | undefined;
      try {
        const started = this.ctx.nowMs();
        const response = await this.client.send({
          method: "GET",
          path,
          timeoutMs: (this.commandWaitSeconds + 15) * 1000,
          signal: this.signal,
        });
        if (response.status === 200) {
          failures = 0;
          const commands = (response.body as { commands?: unknown }).commands;
          const list = Array.isArray(commands) ? commands.slice(0, 100) : [];
          for (const raw of list) await handleRawCommand(this.ctx, raw);
          // A server that answers an empty long-poll at once must not turn this loop into a busy loop.
          if (list.length === 0 && this.ctx.nowMs() - started < MIN_EMPTY_POLL_MS)
            await this.sleep(MIN_EMPTY_POLL_MS * (1 + this.client.random()));
          continue;
        }
        if (response.status === 404) await this.reregister();
        retryAfterMs = response.retryAfterMs;
        this.logger.warn("command poll failed", { status: response.status });
      } catch (error) {
        if (this.signal.aborted) return;
        this.logger.warn("command poll failed", { error: (error as Error).message });
      }
      await this.sleep(retryDelayMs(failures++, retryAfterMs, this.client.backoff, this.client.random));
    }
  }

  /** Polls every assignment still in flight once and spools its report; exposed for tests. */
  async reportOnce(): Promise<void> {
    for (const assignment of Object.values(this.state.data.assignments)) {
      if (assignment.finalReported || this.signal.aborted) continue;
      await reportAssignment(this.ctx, assignment, (reachable, error) => this.engines.observe(reachable, error));
    }
  }

  private async reportLoop(): Promise<void> {
    const interval = (this.options.reportIntervalSeconds ?? 15) * 1000;
    while (!this.signal.aborted) {
      await this.sleep(interval * (0.9 + 0.2 * this.client.random()));
      if (this.signal.aborted) return;
      await this.reportOnce();
    }
  }
}
