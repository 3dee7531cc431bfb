import { tunaCostFromRouteStats } from "@koi/catalog";
import type { TCommand, TGpuPool, TLifecycleEvent, TTunaRouterHealth, TTunaScalingPolicyWire } from "@koi/contracts";
import type { TAssignmentRecord } from "../../state/agent-state.ts";
import { EngineHttpError, type TEngineAdapter, type TExecuteResult, type TPollResult } from "../types.ts";
import { runScalingPolicyCommand } from "./apply-scaling-policy.ts";
import { resolveTokenRef } from "./resolve-token-ref.ts";
import { scrapeBackends } from "./scrape-backends.ts";
import type { TTunaAdapterOptions } from "./tuna-adapter-options.ts";
import { routerClock, type TTunaAdapterState } from "./tuna-adapter-state.ts";
import { sameModel, sameUrl, tunaPricesAndVariants } from "./tuna-config.ts";
import { tunaInventory } from "./tuna-inventory.ts";
import { observeInterval, startObserver, type TBackendName } from "./tuna-online-sample.ts";
import { createTunaRouterClient } from "./tuna-router-client.ts";
import { accrueServerless, advanceBaseline, attachBaseline, inSeconds, NO_SERVERLESS } from "./tuna-usage.ts";
import { createVariantSwitch } from "./tuna-variant-switch.ts";
import { accrueSpot, bootPolicy, NO_SPOT_ACCOUNTS, spotUsageLines, type TTunaVariant } from "./tuna-variants.ts";

export type { TTunaAdapterOptions } from "./tuna-adapter-options.ts";

/**
 * Tuna's router (ENGINE_CONTRACTS D): route_stats → usage and cost via the planner's reproduction
 * of `tuna cost`, plus an online sample per poll from the route stats and the backends' vLLM
 * /metrics; set_routing → POST /router/config; set_scaling → Tuna's scaling policy. Replica counts
 * follow that policy, so scale/swap/pause are refused rather than faked.
 */
export function createTunaAdapter(options: TTunaAdapterOptions): TEngineAdapter {
  const doFetch = options.fetchImpl ?? fetch;
  const { health, postConfig, postScalingPolicy } = createTunaRouterClient(options, doFetch);
  const { prices, variants } = tunaPricesAndVariants(options);
  const engineRef = `tuna:${new URL(options.url).host}`;
  // Kept in memory only: adapter state is written to the agent's disk.
  let serverlessToken = options.serverlessAuthToken ?? null;
  /** The spot service the router names: one of the variants, or else the deployment's own. */
  const variantAt = (spotUrl: string): string =>
    [...variants.values()].find((v) => v.spotUrl !== null && sameUrl(v.spotUrl, spotUrl))?.gpuType ?? options.gpuType;

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
            body.serverless_auth_token = await resolveTokenRef(
              command.payload.serverlessAuthTokenRef,
              options.env ?? process.env,
            );
          await postConfig(body);
          if (body.serverless_auth_token) serverlessToken = body.serverless_auth_token;
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
    await postScalingPolicy(service, policy);
    return "";
  }

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
    pointRouterAt: (spotUrl) => postConfig({ spot_url: spotUrl }),
    answersModels,
    serviceAt: variantAt,
    logger: options.logger,
  });
  const activeVariant = (s: TTunaAdapterState): TTunaVariant => variants.get(switcher.active(s))!;

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
          await scrapeBackends(
            doFetch,
            options.url,
            h,
            { spot: routed("spot"), serverless: routed("serverless") },
            serverlessToken,
          ),
          nowMs,
          // While a switch boots, the router still sends spot traffic to the old service and its policy.
          polled.switching?.phase === "booting" && polled.switching.fromPolicy !== undefined
            ? polled.switching.fromPolicy
            : s.online.policy,
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
    // Spot is billed per replica-second: as the router counts them, or, from Tuna's router (which
    // does not say), as SkyServe would run them under Koi's policy, marked estimated. `tuna cost`
    // bills one replica while spot is ready, however many run.
    const spot = accrueSpot(
      s.spot ?? NO_SPOT_ACCOUNTS,
      {
        replicaSeconds: observed.observer.spotReplicaSeconds,
        requests: since.spot,
        uptime: since.uptime_seconds,
        estimated: h.spot_replicas === undefined,
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
        // After a move the spot backend is another vLLM: its histograms start a new baseline, and
        // the replicas the router counted at this poll were the old service's. The new one serves
        // from here, at the floor it booted with, until the next poll counts it.
        online:
          s.variant === polled.variant
            ? observed.observer
            : {
                ...observed.observer,
                scrapes: { ...observed.observer.scrapes, spot: undefined },
                reads: { ...observed.observer.reads, spot: undefined },
                ...(polled.switching && observed.observer.lastSpotReplicas !== null
                  ? { lastSpotReplicas: bootPolicy(polled.switching.policy).spot.min_replicas }
                  : {}),
              },
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
      return tunaInventory(options, variants, prices, await health());
    },
    execute,
    poll,
  };
}
