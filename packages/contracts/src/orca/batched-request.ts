import { z } from "zod";
import { ZTensorParallel } from "../primitives.ts";
import { named } from "../registry.ts";
import { ZOrcaMarket } from "./webhooks.ts";

/*
 * Orca's `BatchedRequest` (ENGINE_CONTRACTS C.2, B.3): the body of `POST /submit/batch`. Strict,
 * because Orca answers 422 to any unknown key; the engine simulator validates with this same schema.
 */

const nullableInt = z.number().int().nullable();

export const ZOrcaChunk = z.strictObject({
  chunk_id: z.string().min(1).max(64),
  s3_input_path: z.string().min(1).max(2048),
  num_lines: z.number().int().min(1),
});

/** Unknown keys in an alternative are ignored by Orca; a bad planned_market fails the whole submit. */
export const ZOrcaKoiAlternative = z.looseObject({
  gpu_type: z.string().min(1).max(64),
  tp: z.number().int().min(1),
  pp: z.number().int().min(1),
  /** Ignored by Orca. */
  dp: z.number().int().min(1).optional(),
  planned_market: ZOrcaMarket.nullable().optional(),
});

export const ZOrcaVllmSpecificConfig = z.looseObject({
  max_model_len: z.number().int().nullable().optional(),
  trust_remote_code: z.boolean().nullable().optional(),
  max_num_seqs: z.number().int().nullable().optional(),
  max_num_batched_tokens: z.number().int().nullable().optional(),
});

export const ZOrcaBatchedRequest = named(
  "OrcaBatchedRequest",
  z
    .strictObject({
      user_id: z.string(),
      input_file: z.string(),
      output_file: z.string(),
      /** The key is required; null is allowed. */
      avg_output_tokens: nullableInt,
      description: z.string(),
      task_type: z.string(),
      task_priority: z.string(),
      engine: z.string(),
      slo_mode: z.string(),
      placement: z.string(),
      model_name: z.string().nullable().optional(),
      num_lines: nullableInt.optional(),
      avg_input_tokens: nullableInt.optional(),
      max_input_tokens: nullableInt.optional(),
      max_output_tokens: nullableInt.optional(),
      quantization_bits: z.enum(["4", "8", "16"]).nullable().optional(),
      is_speculative_decode: z.boolean().nullable().optional(),
      is_PD_disaggregation: z.boolean().nullable().optional(),
      slo_deadline_hours: z.number().optional(),
      placement_solver: z.enum(["roofline", "llm", "user_specified"]).nullable().optional(),
      llm_advisor_tier: z.enum(["free", "paid"]).optional(),
      gpu_type: z.string().optional(),
      tp_size: z.number().int().optional(),
      pp_size: z.number().int().optional(),
      force: z.boolean().optional(),
      persist: z.boolean().optional(),
      prefer_spot: z.boolean().optional(),
      preferred_market: ZOrcaMarket.nullable().optional(),
      planned_market: ZOrcaMarket.nullable().optional(),
      s3_model_path: z.string().nullable().optional(),
      hf_token: z.string().nullable().optional(),
      openrouter_api_key: z.string().nullable().optional(),
      log_level: z.string().nullable().optional(),
      replicas: nullableInt.optional(),
      chunk_size: nullableInt.optional(),
      chunks: z.array(ZOrcaChunk).nullable().optional(),
      koi_alternatives: z.array(ZOrcaKoiAlternative).nullable().optional(),
      koi_decision_id: z.string().nullable().optional(),
      koi_predicted_tps: z.number().nullable().optional(),
      vllm_specific_config: ZOrcaVllmSpecificConfig.nullable().optional(),
    })
    .superRefine((req, ctx) => {
      // tp/pp are validated only for user-specified placement (C.2).
      if (req.placement_solver !== "user_specified") return;
      if (req.gpu_type === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["gpu_type"],
          message: "gpu_type is required when placement_solver is user_specified",
        });
      if (req.tp_size !== undefined && !ZTensorParallel.safeParse(req.tp_size).success)
        ctx.addIssue({ code: "custom", path: ["tp_size"], message: "tp_size must be 1, 2, 4 or 8" });
      if (req.pp_size !== undefined && ![1, 2, 3, 4].includes(req.pp_size))
        ctx.addIssue({ code: "custom", path: ["pp_size"], message: "pp_size must be 1, 2, 3 or 4" });
    }),
);
export type TOrcaBatchedRequest = z.infer<typeof ZOrcaBatchedRequest>;

/** Every key Orca requires to be present (the pydantic "Field required" set). */
export const ORCA_BATCHED_REQUEST_REQUIRED_KEYS = [
  "user_id",
  "input_file",
  "output_file",
  "avg_output_tokens",
  "description",
  "task_type",
  "task_priority",
  "engine",
  "slo_mode",
  "placement",
] as const;
