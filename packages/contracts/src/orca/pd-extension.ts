import { z } from "zod";
import { ZTensorParallel } from "../primitives.ts";
import { named } from "../registry.ts";
import { ZOrcaBatchedRequest } from "./batched-request.ts";
import { ZOrcaMarket } from "./webhooks.ts";

/*
 * Koi's prefill/decode extension of Orca's submit. Orca as published runs colocated replicas only
 * and answers 422 to any unknown key, so an agent sends `koi_pd_groups` only to an engine that
 * answers `GET /koi/capabilities` with `pd_disaggregation` (Koi's engine simulator does; Orca
 * answers 404). Each group is one kind of replica: prefill replicas take the prompts and hand each
 * request's KV cache to a decode replica, which generates the output.
 */

export const KOI_CAPABILITIES_PATH = "/koi/capabilities";

export const ZKoiCapabilities = z.looseObject({ capabilities: z.array(z.string()) });

export const ZKoiPdGroup = z.strictObject({
  role: z.enum(["prefill", "decode"]),
  gpu_type: z.string().min(1).max(64),
  tp_size: ZTensorParallel,
  pp_size: z.number().int().min(1).max(4),
  replicas: z.number().int().min(1).max(1024),
  planned_market: ZOrcaMarket,
});
export type TKoiPdGroup = z.infer<typeof ZKoiPdGroup>;

export const ZOrcaPdBatchedRequest = named(
  "OrcaPdBatchedRequest",
  ZOrcaBatchedRequest.safeExtend({
    koi_pd_groups: z
      .array(ZKoiPdGroup)
      .min(2)
      .max(16)
      .refine((groups) => groups.some((g) => g.role === "prefill") && groups.some((g) => g.role === "decode"), {
        message: "koi_pd_groups needs at least one prefill and one decode group",
      })
      .nullable()
      .optional(),
  }),
);
export type TOrcaPdBatchedRequest = z.infer<typeof ZOrcaPdBatchedRequest>;
