import { z } from "zod";
import { named } from "../registry.ts";

const int = z.number().int().min(0).max(100_000);

/**
 * Tuna's scaling policy (`tuna deploy --scaling-policy file.yaml`, ENGINE_CONTRACTS D.3) with
 * Tuna's own key names: only the `spot` and `serverless` sections, every value an integer.
 */
export const ZTunaScalingPolicy = named(
  "TunaScalingPolicy",
  z.strictObject({
    spot: z.strictObject({
      min_replicas: int,
      max_replicas: int,
      target_qps: int.min(1),
      upscale_delay: int,
      downscale_delay: int,
    }),
    serverless: z.strictObject({
      concurrency: int.min(1),
      scaledown_window: int,
      workers_min: int,
      workers_max: int.min(1),
    }),
  }),
);
export type TTunaScalingPolicyWire = z.infer<typeof ZTunaScalingPolicy>;
