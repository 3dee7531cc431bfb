import type { TTunaScalingPolicyWire } from "@koi/contracts";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../logger.ts";
import { tunaRouterHealth } from "../../testing/tuna-router-health.ts";
import { observeInterval, startObserver } from "./tuna-online-sample.ts";
import { vectorOf } from "./tuna-usage.ts";
import { createVariantSwitch, type TSwitchState } from "./tuna-variant-switch.ts";
import type { TTunaVariant } from "./tuna-variants.ts";

/*
 * A move between spot services on Tuna's own router, which does not say how many replicas run:
 * the replicas the agent bills are its estimates, and each must come from the policy of the service
 * it is for.
 */

const policy = (min: number, targetQps: number): TTunaScalingPolicyWire => ({
  spot: { min_replicas: min, max_replicas: 8, target_qps: targetQps, upscale_delay: 60, downscale_delay: 300 },
  serverless: { concurrency: 8, scaledown_window: 60, workers_min: 0, workers_max: 2 },
});
const a100 = policy(5, 2); // the old service: five replicas at least
const h100 = policy(2, 4); // the new one, sized for the same load on faster GPUs

describe("spot replica estimates through a move on Tuna's router", () => {
  it("while the new service boots, the old one's replicas are estimated under the old policy", () => {
    // Koi's set_scaling has already stored the new policy; the router still sends spot to the old service.
    const observer = { ...startObserver(tunaRouterHealth({ uptime: 0 }), 0), policy: h100 };
    const h = tunaRouterHealth({ uptime: 15, spot: 60 }); // 4 req/s for 15 s
    const since = vectorOf(h.route_stats);
    expect(observeInterval(observer, h, since, { errors: [] }, 15_000, a100).observer.spotReplicaSeconds).toBe(75);
    // Read under the new policy, as before the fix: 2 replicas.
    expect(observeInterval(observer, h, since, { errors: [] }, 15_000).observer.spotReplicaSeconds).toBe(30);
  });

  it("the old service drains billed for the replicas estimated at the last poll, not one", async () => {
    const variant = (gpuType: string, spotUrl: string): TTunaVariant => ({
      gpuType,
      gpuCount: 8,
      spotUrl,
      spotPricePerGpuHour: 1,
      spotMaxReplicas: 8,
    });
    const switcher = createVariantSwitch<TSwitchState>({
      variants: new Map([
        ["A100-80GB", variant("A100-80GB", "http://controller:30001")],
        ["H100-SXM", variant("H100-SXM", "http://controller:30002")],
      ]),
      ownGpu: "A100-80GB",
      routerUrl: "http://controller:8080",
      engineRef: "tuna:controller:8080",
      switchCommand: ["true"],
      hasPolicyCommand: true,
      applyPolicy: async () => "",
      pointRouterAt: async () => undefined,
      answersModels: async () => true,
      serviceAt: () => "A100-80GB",
      logger: silentLogger,
    });
    const booting: TSwitchState = {
      variant: "A100-80GB",
      switching: { from: "A100-80GB", to: "H100-SXM", phase: "booting", since: 0, policy: h100, fromPolicy: a100 },
      online: { policy: h100, lastSpotReplicas: 5 },
    };
    const h = tunaRouterHealth({ uptime: 600, spot: 2400, skyserve_base_url: "http://controller:30001" });
    const { state } = await switcher.advance(booting, h, 600, "asg_1");
    expect(state.switching).toMatchObject({ phase: "draining", fromReplicas: 5 });
  });
});
