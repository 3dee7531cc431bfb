import { readFile } from "node:fs/promises";
import { findModel, lookupPrice, lookupTunaServerlessPrice, tunaCostFromRouteStats } from "@koi/catalog";
import {
  ZTunaRouterHealth,
  type TCommand,
  type TGpuPool,
  type TLifecycleEvent,
  type TTunaRouterHealth,
  type TTunaScalingPolicyWire,
  type TTunaSpotState,
} from "@koi/contracts";
import type { TLogger } from "../../logger.ts";
import type { TAssignmentRecord } from "../../state/agent-state.ts";
import {
  EngineHttpError,
  engineRequest,
  type TEngineAdapter,
  type TExecuteResult,
  type TPollResult,
} from "../types.ts";
import {
  accrueServerless,
  advanceBaseline,
  attachBaseline,
  inSeconds,
  NO_SERVERLESS,
  type TRouterBaseline,
  type TServerlessAccrual,
} from "./tuna-usage.ts";
import { runScalingPolicyCommand } from "./apply-scaling-policy.ts";
import {
  observeInterval,
  startObserver,
  type TBackendName,
  type TOnlineObserver,
  type TScrapeResult,
} from "./tuna-online-sample.ts";
import { readVllmMetrics } from "./vllm-scrape.ts";
import { createVariantSwitch, isLoopback } from "./tuna-variant-switch.ts";
import {
  accrueSpot,
  NO_SPOT_ACCOUNTS,
  spotUsageLines,
  type TSpotAccounts,
  type TTunaVariant,
  type TVariantSwitch,
} from "./tuna-variants.ts";

export type TTunaAdapterOptions = {
  /** The router, e.g. http://controller:8080. */
  url: string;
  /** The router's API_KEY (sent as x-api-key, like Tuna's own calls, and as a Bearer token). */
  apiKey: string | null;
  /**
   * The model the deployment serves (`tuna deploy --model`): a router fronts one vLLM deployment,
   * so deploys of another model are refused. Unset: any online workload may attach.
   */
  model?: string;
  /** Koi catalog GPU of the spot and serverless workers. */
  gpuType: string;
  gpuCount: number;
  serverlessProvider: string;
  /** USD per GPU-hour; omitted = Tuna's static table / Koi's catalog. */
  spotPricePerGpuHour?: number;
  onDemandPricePerGpuHour?: number;
  serverlessPricePerGpuHour?: number;
  serverlessWorkersMax?: number;
  /** Most spot replicas the SkyServe service may run (Tuna's default `spot.max_replicas` is 5). */
  spotMaxReplicas?: number;
  /** Router on the SkyServe controller VM (Tuna bills it nothing) or on its own VM ($0.04/h). */
  colocated?: boolean;
  region?: string;
  /**
   * How a new scaling policy reaches Tuna: the command that re-applies a policy file, with `{file}`
   * where its path goes. Without it the agent POSTs the policy to /router/scaling-policy when the
   * router's health says it takes one (only Koi's engine simulator does), and refuses otherwise.
   */
  scalingPolicyCommand?: readonly string[];
  /** Other SkyServe spot services (other GPU types) Koi may move the router's spot traffic to. */
  variants?: readonly {
    gpuType: string;
    gpuCount: number;
    spotUrl: string;
    spotPricePerGpuHour?: number;
    spotMaxReplicas?: number;
  }[];
  /**
   * Run once the router is moved to another spot service, with `{variant}` and `{url}`: Tuna's
   * replica_watcher.sh reports one service's READY count to the router and must follow the move.
   * A real router (one that takes no policy at /router/scaling-policy) switches only with it.
   */
  switchCommand?: readonly string[];
  logger: TLogger;
  fetchImpl?: typeof fetch;
  env?: NodeJS.ProcessEnv;
};

type TTunaAdapterState = {
  router: TRouterBaseline;
  /** Absent in state saved by an older agent: serverless usage accrues from the next poll. */
  serverless?: TServerlessAccrual;
  spotState: TTunaSpotState;
  stopped?: boolean;
  /** Absent in state saved by an older agent: observation starts at the next poll. */
  online?: TOnlineObserver;
  /** GPU type of the spot service the router sends spot traffic to (absent: the deployment's own). */
  variant?: string;
  /** The deployment's own spot service, as the router named it at attach. */
  ownSpotUrl?: string;
  switching?: TVariantSwitch;
  /** Absent in state saved by an older agent: the first poll counts everything since attach. */
  spot?: TSpotAccounts;
};

/** Koi catalog name → the key of Tuna's serverless price table (`tuna/catalog.py`). */
const TUNA_GPU_NAME: Record<string, string> = {
  "A100-80GB": "A100_80GB",
  "A100-40GB": "A100_40GB",
  "H100-SXM": "H100",
  "H100-PCIe": "H100",
};

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

/** The same Hugging Face id (any case), or two names of the same catalog model. */
function sameModel(a: string, b: string): boolean {
  if (a.trim().toLowerCase() === b.trim().toLowerCase()) return true;
  try {
    return findModel(a).id === findModel(b).id;
  } catch {
    return false;
  }
}

function catalogPrice(gpuType: string, market: "spot" | "on-demand"): number {
  try {
    return lookupPrice({ gpuType, market })?.pricePerGpuHour ?? 0;
  } catch {
    return 0;
  }
}

/**
 * Tuna's router (ENGINE_CONTRACTS D): route_stats → usage and cost via the planner's reproduction
 * of `tuna cost`, plus an online sample per poll from the route stats and the backends' vLLM
 * /metrics; set_routing → POST /router/config; set_scaling → Tuna's scaling policy. Replica counts
 * follow that policy, so scale/swap/pause are refused rather than faked.
 */
export function createTunaAdapter(options: TTunaAdapterOptions): TEngineAdapter {
  const doFetch = options.fetchImpl ?? fetch;
  // The router takes its key in API_KEY_HEADER (x-api-key unless the operator renamed it) or as a
  // Bearer token: sending both works whatever that header is. The agent only calls /router/*,
  // which the router answers itself, so the Authorization header never reaches a backend.
  const headers = (): Record<string, string> =>
    options.apiKey ? { "x-api-key": options.apiKey, authorization: `Bearer ${options.apiKey}` } : {};
  const url = (path: string) => `${options.url.replace(/\/+$/, "")}${path}`;
  const prices = {
    spotPerGpuHour: options.spotPricePerGpuHour ?? catalogPrice(options.gpuType, "spot"),
    onDemandPerGpuHour: options.onDemandPricePerGpuHour ?? catalogPrice(options.gpuType, "on-demand"),
    serverlessPerGpuHour:
      options.serverlessPricePerGpuHour ??
      lookupTunaServerlessPrice(TUNA_GPU_NAME[options.gpuType] ?? options.gpuType, options.serverlessProvider),
  };
  const engineRef = `tuna:${new URL(options.url).host}`;
  const variants = new Map<string, TTunaVariant>(
    [
      {
        gpuType: options.gpuType,
        gpuCount: options.gpuCount,
        spotUrl: null,
        spotPricePerGpuHour: prices.spotPerGpuHour,
        spotMaxReplicas: options.spotMaxReplicas ?? 5,
      },
      ...(options.variants ?? []).map((v) => ({
        gpuType: v.gpuType,
        gpuCount: v.gpuCount,
        spotUrl: v.spotUrl,
        spotPricePerGpuHour: v.spotPricePerGpuHour ?? catalogPrice(v.gpuType, "spot"),
        spotMaxReplicas: v.spotMaxReplicas ?? options.spotMaxReplicas ?? 5,
      })),
    ].map((v) => [v.gpuType, v]),
  );
  /** The spot service the router names: one of the variants, or else the deployment's own. */
  const variantAt = (spotUrl: string): string =>
    [...variants.values()].find((v) => v.spotUrl !== null && sameUrl(v.spotUrl, spotUrl))?.gpuType ?? options.gpuType;

  async function health() {
    return ZTunaRouterHealth.parse(
      await engineRequest(doFetch, url("/router/health"), { headers: headers() }, "Tuna /router/health"),
    );
  }

  async function resolveToken(ref: string): Promise<string> {
    if (ref.startsWith("env:")) {
      const value = (options.env ?? process.env)[ref.slice(4)];
      if (!value) throw new Error(`environment variable ${ref.slice(4)} is not set on the agent host`);
      return value;
    }
    return (await readFile(ref.slice(5), "utf8")).trim();
  }

  async function execute(command: TCommand, assignment: TAssignmentRecord | undefined): Promise<TExecuteResult> {
    try {
      switch (command.type) {
        case "deploy": {
          if (command.payload.workload.kind !== "online")
            return { status: "rejected", detail: "Tuna serves online workloads; batch goes to Orca" };
          const model = command.payload.workload.model;
          if (options.model && !sameModel(options.model, model))
            return {
              status: "rejected",
              detail: `this Tuna router serves ${options.model}, not ${model}: a Tuna deployment serves one model (tuna deploy --model)`,
            };
          // Tuna services are created with `tuna deploy`; the agent attaches the assignment to the running router.
          const h = await health();
          const variant = variantAt(h.skyserve_base_url);
          const state: TTunaAdapterState = {
            router: attachBaseline(h.route_stats),
            serverless: NO_SERVERLESS,
            spotState: h.spot_state,
            online: startObserver(h, Date.now()),
            variant,
            ...(variant === options.gpuType && h.skyserve_base_url ? { ownSpotUrl: h.skyserve_base_url } : {}),
            spot: NO_SPOT_ACCOUNTS,
          };
          // Tuna pushes the backends after it deploys them; until then every request gets 503.
          const noBackends =
            !h.serverless_base_url && !h.skyserve_base_url
              ? "; it has no backends yet and answers every request 503"
              : "";
          return {
            status: "completed",
            detail: `attached to the Tuna router at ${options.url} (spot ${h.spot_state})${noBackends}`,
            engineRef,
            state: "running",
            adapterState: state,
          };
        }
        case "set_routing": {
          const body: Record<string, string> = {};
          if (command.payload.serverlessUrl) body.serverless_url = command.payload.serverlessUrl;
          if (command.payload.spotUrl) body.spot_url = command.payload.spotUrl;
          if (command.payload.serverlessAuthTokenRef)
            body.serverless_auth_token = await resolveToken(command.payload.serverlessAuthTokenRef);
          await engineRequest(
            doFetch,
            url("/router/config"),
            { method: "POST", body, headers: headers() },
            "Tuna /router/config",
          );
          return {
            status: "completed",
            detail: `router now routes to ${[body.spot_url && "spot " + body.spot_url, body.serverless_url && "serverless " + body.serverless_url, body.serverless_auth_token && "new serverless token"].filter(Boolean).join(", ")}`,
          };
        }
        case "set_scaling": {
          if (!assignment) return { status: "rejected", detail: "unknown assignment" };
          const s = assignment.adapterState as TTunaAdapterState;
          let read: Promise<{ h: TTunaRouterHealth; clock: number }> | null = null;
          const router = () => (read ??= health().then((h) => ({ h, clock: routerClock(s, h) })));
          return await switcher.set(command.payload, s, router);
        }
        case "stop":
          if (!assignment) return { status: "rejected", detail: "unknown assignment" };
          return {
            status: "completed",
            detail: "detached from the router (the Tuna service keeps running; `tuna destroy` removes it)",
            state: "stopped",
            adapterState: { ...assignment.adapterState, stopped: true },
          };
        case "scale":
        case "swap":
        case "pause":
        case "resume":
          return {
            status: "rejected",
            detail: `Tuna has no ${command.type} API: replica counts follow its scaling policy (tuna deploy --scaling-policy)`,
          };
      }
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      // The router refusing the request itself (bad body) is a rejection; auth and server errors are failures.
      return {
        status: error instanceof EngineHttpError && [400, 404, 409, 422].includes(error.status) ? "rejected" : "failed",
        detail,
      };
    }
  }

  /** Where a scaling policy goes: the operator's command, or the simulator's endpoint. */
  async function applyPolicy(policy: TTunaScalingPolicyWire, gpuType: string): Promise<string> {
    if (options.scalingPolicyCommand) return runScalingPolicyCommand(options.scalingPolicyCommand, policy, gpuType);
    // One spot service: the policy endpoint's own; several: the one named.
    const service = variants.size > 1 ? `?service=${encodeURIComponent(gpuType)}` : "";
    await engineRequest(
      doFetch,
      url(`/router/scaling-policy${service}`),
      { method: "POST", body: policy, headers: headers() },
      "Tuna /router/scaling-policy (Koi's engine simulator)",
    );
    return "";
  }

  /** Engine seconds since attach (the router's uptime, carried over its restarts). */
  const routerClock = (s: Partial<TTunaAdapterState>, h: TTunaRouterHealth): number =>
    s.router ? advanceBaseline(s.router, h.route_stats).since.uptime_seconds : h.route_stats.uptime_seconds;

  /** Whether a spot service answers /v1/models as the router's warm-up probe needs (2xx within 5 s). */
  async function answersModels(base: string): Promise<boolean> {
    try {
      const response = await doFetch(`${base.replace(/\/+$/, "")}/v1/models`, { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }

  const switcher = createVariantSwitch<TTunaAdapterState>({
    variants,
    ownGpu: options.gpuType,
    routerUrl: options.url,
    engineRef,
    switchCommand: options.switchCommand,
    hasPolicyCommand: options.scalingPolicyCommand !== undefined,
    applyPolicy,
    pointRouterAt: async (spotUrl) => {
      await engineRequest(
        doFetch,
        url("/router/config"),
        { method: "POST", body: { spot_url: spotUrl }, headers: headers() },
        "Tuna /router/config",
      );
    },
    answersModels,
    serviceAt: variantAt,
    logger: options.logger,
  });
  const activeVariant = (s: TTunaAdapterState): TTunaVariant => variants.get(switcher.active(s))!;

  /**
   * The vLLM /metrics of the backends the router names, read only from a backend the router sent
   * requests to since the last poll: a GET through SkyServe's load balancer counts as traffic to its
   * autoscaler, and one to a serverless endpoint wakes a GPU worker, so scraping an idle backend
   * would keep paid GPUs up (one poll interval past the last real request is the most it adds;
   * a backend is also read once when first seen, for a baseline). A
   * backend that does not answer, or that the router names by its own loopback address while the
   * agent runs elsewhere, is named in `errors`.
   */
  async function scrapeBackends(
    h: { skyserve_base_url: string; serverless_base_url: string },
    routed: Record<TBackendName, number>,
  ): Promise<TScrapeResult> {
    const result: TScrapeResult = { errors: [] };
    const targets = [
      ["spot", h.skyserve_base_url],
      ["serverless", h.serverless_base_url],
    ] as const;
    await Promise.all(
      targets.map(async ([name, base]) => {
        if (!base || routed[name] <= 0) return;
        if (isLoopback(base) && !isLoopback(options.url)) {
          result.errors.push(
            `${name} ${base}/metrics: the router's own loopback address, unreachable from this agent (run it on the router's host to read it)`,
          );
          return;
        }
        try {
          const response = await doFetch(`${base.replace(/\/+$/, "")}/metrics`, { signal: AbortSignal.timeout(3000) });
          if (!response.ok) throw new Error(`answered ${response.status}`);
          result[name] = readVllmMetrics(await response.text());
        } catch (error) {
          result.errors.push(`${name} ${base}/metrics: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
    return result;
  }

  async function poll(assignment: TAssignmentRecord): Promise<TPollResult> {
    const polled = assignment.adapterState as TTunaAdapterState;
    const h = await health();
    // A switch step leaves the router baseline alone: one advance serves both.
    const advanced = advanceBaseline(polled.router, h.route_stats);
    const switched = await switcher.advance(polled, h, advanced.since.uptime_seconds, assignment.assignmentId);
    const s = switched.state;
    const { baseline } = advanced;
    const since = inSeconds(advanced.since);
    const nowMs = Date.now();
    // A backend never read yet is read once, so later intervals have a baseline to count from.
    const routed = (b: TBackendName) => (s.online?.scrapes[b] === undefined ? 1 : since[b] - (s.online.last[b] ?? 0));
    const observed = s.online
      ? observeInterval(
          s.online,
          h,
          since,
          await scrapeBackends(h, { spot: routed("spot"), serverless: routed("serverless") }),
          nowMs,
        )
      : { observer: startObserver(h, nowMs), sample: null };
    const cost = tunaCostFromRouteStats(since, prices, {
      gpuCount: options.gpuCount,
      colocated: options.colocated ?? true,
    });
    const serverless = accrueServerless(
      s.serverless ?? { ...NO_SERVERLESS, requests: since.serverless },
      since.serverless,
      cost.avgComputePerReq,
      prices.serverlessPerGpuHour,
    );
    // The counters were read before this poll's switch step: they belong to the state before it.
    const active = activeVariant(polled);
    // Tuna's formula bills one replica while spot is ready; when the router says how many replicas
    // run, spot is billed per replica-second instead.
    const spot = accrueSpot(
      s.spot ?? NO_SPOT_ACCOUNTS,
      {
        replicaSeconds: h.spot_replicas === undefined ? since.spot_ready_seconds : observed.observer.spotReplicaSeconds,
        requests: since.spot,
        uptime: since.uptime_seconds,
      },
      active,
      variants,
      polled.switching,
    );
    const events: TLifecycleEvent[] = [...switched.events];
    if (h.spot_state !== s.spotState) {
      events.push({
        eventId: `tuna:${assignment.assignmentId}:spot:${since.uptime_seconds.toFixed(3)}:${h.spot_state}`,
        at: new Date().toISOString(),
        type: "spot_state_changed",
        ...(h.spot_state === "cold" && h.last_probe_err
          ? { reasonCode: "spot_preemption" as const, reasonCodeInferred: true }
          : {}),
        detail: `spot ${s.spotState} → ${h.spot_state}${h.last_probe_err ? " after a spot error" : ""}`,
        engineRef,
        source: "agent",
      });
    }
    const pctSpot = since.total > 0 ? (100 * since.spot) / since.total : 0;
    return {
      report: {
        state: s.stopped ? "stopped" : "running",
        progress: { completed: since.total, total: null, unit: "requests" },
        routing: { spotState: h.spot_state, pctSpot },
        ...(observed.sample
          ? {
              online: {
                ...observed.sample,
                // The interval's traffic went to the service the router named when it was read.
                ...(variants.size > 1 ? { spotGpuType: active.gpuType } : {}),
              },
            }
          : {}),
        usage: [
          ...spotUsageLines(spot, active.gpuType),
          // Tuna's own estimate (D.2), priced interval by interval so it only grows.
          {
            component: "serverless",
            gpuType: options.gpuType,
            seconds: serverless.seconds,
            requests: serverless.requests,
            costUsd: serverless.costUsd,
            estimated: true,
          },
          { component: "router", seconds: since.uptime_seconds, requests: since.total, costUsd: cost.actualRouter },
        ],
      },
      adapterState: {
        ...s,
        router: baseline,
        serverless,
        spotState: h.spot_state,
        // After a move the spot backend is another vLLM: its histograms start a new baseline.
        online:
          s.variant === polled.variant
            ? observed.observer
            : { ...observed.observer, scrapes: { ...observed.observer.scrapes, spot: undefined } },
        spot,
        // Learnt late when the router had no spot backend at attach.
        ...(!s.ownSpotUrl && active.spotUrl === null && h.skyserve_base_url ? { ownSpotUrl: h.skyserve_base_url } : {}),
      },
      events,
    };
  }

  return {
    kind: "tuna",
    capabilities: ["spot", "serverless", "routing"],
    acceptsDeploy: (command) => command.payload.workload.kind === "online",
    exclusiveEngineRef: engineRef,
    async inventory(): Promise<TGpuPool[]> {
      // The pools come from config, but an unreachable router should show as such.
      const h = await health();
      // Other services are offered to Koi only when the agent can move the router to them: a
      // policy must reach them, and a real router's replica watcher must follow the move.
      const canSwitch =
        h.koi_scaling_policy === true ||
        (options.scalingPolicyCommand !== undefined && options.switchCommand !== undefined);
      const workers = options.gpuCount * (options.serverlessWorkersMax ?? 1);
      return [
        ...[...variants.values()]
          .filter((v) => canSwitch || v.gpuType === options.gpuType)
          .map((v) => ({
            id: `tuna:spot:${v.gpuType}`,
            gpuType: v.gpuType,
            market: "spot" as const,
            ...(options.region ? { region: options.region } : {}),
            total: v.gpuCount * v.spotMaxReplicas,
            available: v.gpuCount * v.spotMaxReplicas,
            // A SkyServe spot service serves with one tensor-parallel size: its GPUs per replica.
            replicaSizes: [v.gpuCount],
            quota: null,
            pricePerGpuHour: v.spotPricePerGpuHour || null,
          })),
        {
          id: `tuna:serverless:${options.serverlessProvider}:${options.gpuType}`,
          gpuType: options.gpuType,
          market: "serverless",
          total: workers,
          available: workers,
          quota: null,
          pricePerGpuHour: prices.serverlessPerGpuHour || null,
        },
      ];
    },
    execute,
    poll,
  };
}
