import type { TLifecycleEvent, TSetScalingPayload, TTunaRouterHealth, TTunaScalingPolicyWire } from "@koi/contracts";
import type { TLogger } from "../../logger.ts";
import type { TExecuteResult } from "../types.ts";
import { describePolicy, runOperatorCommand } from "./apply-scaling-policy.ts";
import { isLoopback } from "./tuna-config.ts";
import {
  bootPolicy,
  idlePolicy,
  SWITCH_BOOT_TIMEOUT_SECONDS,
  SWITCH_DRAIN_SECONDS,
  type TTunaVariant,
  type TVariantSwitch,
} from "./tuna-variants.ts";

/** The part of the Tuna adapter's saved state a switch reads and writes. */
export type TSwitchState = {
  variant?: string;
  ownSpotUrl?: string;
  switching?: TVariantSwitch;
  online?: { policy: TTunaScalingPolicyWire | null; lastSpotReplicas?: number | null };
};

export type TSwitchDeps = {
  variants: ReadonlyMap<string, TTunaVariant>;
  /** The deployment's own GPU type (the service `tuna deploy` made). */
  ownGpu: string;
  routerUrl: string;
  engineRef: string;
  switchCommand: readonly string[] | undefined;
  /** Whether the operator gave a command that applies policies (else only the simulator takes them). */
  hasPolicyCommand: boolean;
  applyPolicy: (policy: TTunaScalingPolicyWire, gpuType: string) => Promise<string>;
  /** POST /router/config {spot_url}. */
  pointRouterAt: (spotUrl: string) => Promise<void>;
  /** Whether the service answers /v1/models as the router's warm-up probe needs. */
  answersModels: (base: string) => Promise<boolean>;
  /** The GPU type of the service a spot URL names (the deployment's own for one it does not know). */
  serviceAt: (spotUrl: string) => string;
  logger: TLogger;
};

/**
 * Moving the router's spot traffic between SkyServe services (GPU types) without a gap: `set`
 * starts a switch (or re-applies a policy), `advance` takes one step per poll. Both return the
 * next state; the agent runs them one at a time per assignment.
 */
export function createVariantSwitch<S extends TSwitchState>(deps: TSwitchDeps) {
  const active = (s: S): string => (s.variant && deps.variants.has(s.variant) ? s.variant : deps.ownGpu);
  const urlOf = (gpuType: string, s: S): string | null =>
    deps.variants.get(gpuType)?.spotUrl ?? (gpuType === deps.ownGpu ? (s.ownSpotUrl ?? null) : null);

  /**
   * `router` reads the router's health and the engine clock: only when needed, so a policy given
   * to the operator's command for the service serving does not depend on the router answering.
   */
  async function set(
    payload: TSetScalingPayload,
    s: S,
    router: () => Promise<{ h: TTunaRouterHealth; clock: number }>,
  ): Promise<TExecuteResult & { adapterState?: S }> {
    const { policy } = payload;
    const from = active(s);
    const target = payload.variant?.gpuType ?? from;
    const variant = deps.variants.get(target);
    if (!variant)
      return {
        status: "rejected",
        detail: `this agent has no Tuna spot service on ${target}: it runs ${[...deps.variants.keys()].join(", ")} (--tuna-gpu, --tuna-variant)`,
      };
    if (payload.variant && payload.variant.tp !== variant.gpuCount)
      return {
        status: "rejected",
        detail: `the ${target} spot service runs ${variant.gpuCount} GPU(s) per replica, not TP${payload.variant.tp}`,
      };
    if (!deps.hasPolicyCommand && !(await router()).h.koi_scaling_policy)
      return {
        status: "rejected",
        detail:
          "this Tuna router takes no scaling policy while it runs (Tuna applies one at `tuna deploy --scaling-policy`): start the agent with --tuna-scaling-policy-command to apply it",
      };
    const withPolicy = (next: Partial<TSwitchState>): S =>
      ({ ...s, ...next, ...(s.online ? { online: { ...s.online, policy } } : {}) }) as S;
    const said = (text: string) => (text ? ` (${text})` : "");
    const sw = s.switching;
    if (target === from) {
      const out = await deps.applyPolicy(policy, from);
      // A switch still booting is called off: the service it was bringing up goes back to zero.
      const calledOff = sw?.phase === "booting" ? sw.to : null;
      if (calledOff) await deps.applyPolicy(idlePolicy(policy), calledOff);
      return {
        status: "completed",
        detail: `scaling policy applied: ${describePolicy(policy)}${said(out)}${calledOff ? `; the switch to ${calledOff} is called off` : ""}`,
        // While the old service drains, the policy it is idled with at the end is the newest one.
        adapterState: withPolicy({ switching: calledOff ? undefined : sw && { ...sw, policy } }),
      };
    }
    const { h, clock } = await router();
    if (!deps.switchCommand && !h.koi_scaling_policy)
      return {
        status: "rejected",
        detail: `moving the router to the ${target} spot service needs --tuna-switch-command: Tuna's replica_watcher.sh would go on reporting the ${from} service's replicas and turn spot cold`,
      };
    const targetUrl = urlOf(target, s);
    if (!targetUrl)
      return { status: "rejected", detail: `the ${target} spot service's URL is not known to this agent` };
    if (isLoopback(targetUrl) && !isLoopback(deps.routerUrl))
      return {
        status: "rejected",
        detail: `the ${target} spot service is the router's loopback address (${targetUrl}), which this agent cannot check before moving the router: run the agent on the router's host`,
      };
    // Another switch under way: the service it was bringing up, or draining, is let go now.
    const dropped = sw && (sw.phase === "booting" ? sw.to : sw.from);
    if (dropped && dropped !== target && dropped !== from) await deps.applyPolicy(idlePolicy(sw.policy), dropped);
    const out = await deps.applyPolicy(bootPolicy(policy), target);
    const stillBooting = sw?.phase === "booting" && sw.to === target;
    const switching: TVariantSwitch = {
      from,
      to: target,
      phase: "booting",
      since: stillBooting ? sw.since : clock,
      policy,
      fromPolicy: stillBooting ? (sw.fromPolicy ?? null) : (s.online?.policy ?? null),
    };
    return {
      status: "completed",
      detail: `switching spot from ${from} to ${target}: the ${target} service scales up (${describePolicy(bootPolicy(policy))})${said(out)}; the router moves to it once it answers, then ${from} drains ${SWITCH_DRAIN_SECONDS} s and scales to zero`,
      adapterState: withPolicy({ switching }),
    };
  }

  /** One poll's step of a switch under way (a failed step is logged and retried next poll). */
  async function advance(
    s: S,
    h: TTunaRouterHealth,
    clock: number,
    assignmentId: string,
  ): Promise<{ state: S; events: TLifecycleEvent[] }> {
    const sw = s.switching;
    if (!sw) return { state: s, events: await keepRouterOn(s, h, clock, assignmentId) };
    if (!deps.variants.has(sw.from) || !deps.variants.has(sw.to)) {
      // The agent was restarted without one of the services: the move cannot go on.
      deps.logger.warn("a Tuna switch names a spot service this agent no longer runs; dropped", {
        from: sw.from,
        to: sw.to,
      });
      return { state: { ...s, switching: undefined }, events: [] };
    }
    // Named by the switch (its target and the router time it began), not by when the step ran: a
    // step run again from the same state (a report Koi refused) is the same event, which Koi drops.
    const event = (step: "moved" | "given-up", detail: string) =>
      switchEvent(`${assignmentId}:variant:${sw.to}:${step}`, sw.since, detail);
    const target = urlOf(sw.to, s);
    try {
      if (sw.phase === "draining") {
        // The router has moved; the watcher is repointed until the operator's command succeeds.
        if (sw.watcherPending && target) {
          await runOperatorCommand(deps.switchCommand!, { variant: sw.to, url: target });
          s = { ...s, switching: { ...sw, watcherPending: false } };
        }
        if (clock - sw.since < SWITCH_DRAIN_SECONDS) return { state: s, events: [] };
        await deps.applyPolicy(idlePolicy(sw.policy), sw.from);
        return { state: { ...s, switching: undefined }, events: [] };
      }
      if (target && (await deps.answersModels(target))) {
        await deps.pointRouterAt(target);
        return {
          state: {
            ...s,
            variant: sw.to,
            switching: {
              ...sw,
              phase: "draining",
              since: clock,
              // The router says how many replicas it was told of (the simulator does); for Tuna's,
              // the agent's estimate at the last poll.
              fromReplicas: h.spot_replicas ?? s.online?.lastSpotReplicas ?? 1,
              watcherPending: deps.switchCommand !== undefined,
            },
          },
          events: [
            event(
              "moved",
              `spot moved from ${sw.from} to ${sw.to} (${target}) after ${Math.round(clock - sw.since)} s; ${sw.from} drains ${SWITCH_DRAIN_SECONDS} s, then scales to zero`,
            ),
          ],
        };
      }
      if (clock - sw.since < SWITCH_BOOT_TIMEOUT_SECONDS) return { state: s, events: [] };
      await deps.applyPolicy(idlePolicy(sw.policy), sw.to);
      return {
        state: { ...s, switching: undefined },
        events: [
          event(
            "given-up",
            `the switch from ${sw.from} to ${sw.to} is given up: ${target ?? "its URL"}/v1/models did not answer within ${SWITCH_BOOT_TIMEOUT_SECONDS} s; spot stays on ${sw.from}`,
          ),
        ],
      };
    } catch (error) {
      deps.logger.warn("tuna variant switch step failed; retried at the next poll", {
        from: sw.from,
        to: sw.to,
        phase: sw.phase,
        error: error instanceof Error ? error.message : String(error),
      });
      return { state: s, events: [] };
    }
  }

  /** A `variant_switched` event, its id the step and a router time that tells it from others. */
  function switchEvent(step: string, clock: number, detail: string): TLifecycleEvent {
    return {
      eventId: `tuna:${step}:${clock.toFixed(3)}`,
      at: new Date().toISOString(),
      type: "variant_switched",
      detail,
      engineRef: deps.engineRef,
      source: "agent",
    };
  }

  /**
   * A router that restarts takes its spot URL from its environment again (the deployment's own
   * service, idled after a move): with no switch under way it is pointed back at the service
   * serving, which the replica watcher follows.
   */
  async function keepRouterOn(s: S, h: TTunaRouterHealth, clock: number, assignmentId: string) {
    const serving = active(s);
    const url = urlOf(serving, s);
    if (deps.variants.size < 2 || !url || !h.skyserve_base_url || deps.serviceAt(h.skyserve_base_url) === serving)
      return [];
    try {
      await deps.pointRouterAt(url);
    } catch (error) {
      deps.logger.warn("could not point the Tuna router back at the spot service serving", {
        serving,
        error: error instanceof Error ? error.message : String(error),
      });
      return [];
    }
    return [
      switchEvent(
        `${assignmentId}:variant:${serving}:restored`,
        clock,
        `the router named ${h.skyserve_base_url} (after a restart?); pointed back at the ${serving} spot service (${url})`,
      ),
    ];
  }

  return { set, advance, active, urlOf };
}
