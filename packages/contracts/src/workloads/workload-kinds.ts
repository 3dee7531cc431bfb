import { z } from "zod";

// The two kinds of workload a user describes: the body of `POST /api/v1/workloads` and
// `POST /api/v1/plan` (with the submission's extras), and the file `koi plan --workload` reads.

export const ZPrecision = z.enum(["bf16", "fp8", "int4"]);
export type TPrecision = z.infer<typeof ZPrecision>;

export const ZPriority = z.enum(["low", "normal", "high", "urgent"]);
export type TPriority = z.infer<typeof ZPriority>;

const positive = (what: string) =>
  z
    .number({ error: (issue) => (issue.input === undefined ? `${what} is required` : `${what} must be a number`) })
    .positive({ error: `${what} must be > 0` });

/**
 * A model given by its architecture numbers instead of a catalog name. Parameter counts are in
 * billions; omit them and they are derived from the shapes.
 */
export const ZModelArchitecture = z
  .strictObject({
    layers: z.number().int().positive(),
    hiddenSize: z.number().int().positive(),
    heads: z.number().int().positive(),
    kvHeads: z.number().int().positive(),
    headDim: z.number().int().positive().optional(),
    ffnSize: z.number().int().positive(),
    vocabSize: z.number().int().positive(),
    paramsTotalB: z.number().positive().optional(),
    paramsActiveB: z.number().positive().optional(),
    maxContext: z.number().int().positive().optional(),
    moe: z
      .strictObject({
        experts: z.number().int().positive(),
        topK: z.number().int().positive(),
        sharedExperts: z.number().int().nonnegative().default(0),
        expertFfnSize: z.number().int().positive(),
        denseLayers: z.number().int().nonnegative().default(0),
      })
      .optional(),
    mla: z
      .strictObject({
        kvLoraRank: z.number().int().positive(),
        ropeDim: z.number().int().positive(),
        qLoraRank: z.number().int().positive().optional(),
      })
      .optional(),
  })
  // Grouped-query attention shares each KV head among a whole group of query heads.
  .refine((a) => a.kvHeads <= a.heads && a.heads % a.kvHeads === 0, {
    error: "architecture.kvHeads must divide architecture.heads (each KV head serves a whole group of query heads)",
    path: ["kvHeads"],
  });
export type TModelArchitecture = z.infer<typeof ZModelArchitecture>;

const workloadCommon = {
  model: z
    .string({ error: "model must be a model name such as meta-llama/Llama-3.1-70B-Instruct" })
    .min(1)
    .max(200, { error: "model must be at most 200 characters" }),
  /** Overrides the catalog lookup for models the catalog does not know. */
  architecture: ZModelArchitecture.optional(),
  precision: ZPrecision.optional(),
  // A prompt or an answer is at least one token: below it the figures mean nothing.
  avgInputTokens: positive("avgInputTokens").min(1, { error: "avgInputTokens must be at least 1" }),
  avgOutputTokens: positive("avgOutputTokens").min(1, { error: "avgOutputTokens must be at least 1" }),
};

export const ZBatchWorkload = z.strictObject({
  kind: z.literal("batch"),
  ...workloadCommon,
  requests: z.number().int({ error: "requests must be a whole number" }).positive({ error: "requests must be > 0" }),
  // One year: further out is a typo, and beyond ~2.4e9 hours the deadline is not a valid Date.
  deadlineHours: positive("deadlineHours")
    .min(1 / 60, { error: "deadlineHours must be at least 1/60 (one minute)" })
    .max(8760, { error: "deadlineHours must be at most 8760 (one year)" }),
  priority: ZPriority.optional(),
});
export type TBatchWorkload = z.infer<typeof ZBatchWorkload>;

export const ZOnlineWorkload = z.strictObject({
  kind: z.literal("online"),
  ...workloadCommon,
  requestsPerSecond: positive("requestsPerSecond"),
  ttftP95Ms: positive("ttftP95Ms"),
  tpotP95Ms: positive("tpotP95Ms"),
  priority: ZPriority.optional(),
});
export type TOnlineWorkload = z.infer<typeof ZOnlineWorkload>;

export const ZWorkload = z.discriminatedUnion("kind", [ZBatchWorkload, ZOnlineWorkload], {
  error: 'kind must be "batch" or "online"',
});
export type TWorkload = z.infer<typeof ZWorkload>;
