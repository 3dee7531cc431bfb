import type { TModelArchitecture, TPrecision } from "./model-architecture.ts";
import { closestNames, normalizeName, UnknownNameError } from "./closest-names.ts";
import { modelFromArchitecture, MODELS, type TModelSpec } from "./model-specs.ts";

// Suffixes that name a fine-tune or a packaging of the same architecture. Stripping them lets
// "meta-llama/Llama-3.1-70B-Instruct" and "neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8" resolve.
const VARIANT_SUFFIXES = [
  "instruct",
  "chat",
  "hf",
  "base",
  "fp8",
  "dynamic",
  "awq",
  "gptq",
  "int4",
  "int8",
  "w4a16",
  "w8a8",
  "bf16",
  "fp16",
  "it",
];

function lookupKey(name: string): string {
  let key = name.trim().toLowerCase();
  const slash = key.lastIndexOf("/");
  if (slash >= 0) key = key.slice(slash + 1);
  key = key.replace(/^meta-llama-/, "llama-").replace(/^meta-/, "");
  let parts = key.split(/[-_\s]+/);
  while (parts.length > 1 && VARIANT_SUFFIXES.includes(parts[parts.length - 1] ?? "")) parts = parts.slice(0, -1);
  return normalizeName(parts.join("-"));
}

const byKey = new Map<string, TModelSpec>();
for (const model of MODELS) {
  for (const name of [model.id, ...model.names]) byKey.set(lookupKey(name), model);
}

/**
 * Finds a catalog model by Hugging Face id (with or without -Instruct and similar suffixes,
 * any case) or short name; throws listing the closest names.
 */
export function findModel(name: string): TModelSpec {
  const model = byKey.get(lookupKey(name));
  if (model) return model;
  const candidates = MODELS.flatMap((m) => [m.id, ...m.names.filter((n) => n.includes("/"))]);
  throw new UnknownNameError("model", name, closestNames(lookupKey(name), candidates));
}

/** The workload's architecture wins over the catalog, so unknown models can still be planned. */
export function resolveModel(input: { model: string; architecture?: TModelArchitecture }): TModelSpec {
  if (input.architecture) return modelFromArchitecture(input.model, input.architecture);
  return findModel(input.model);
}

/** Quantised checkpoints say so in their name ("…-FP8"); otherwise the catalog's published precision, else BF16. */
export function publishedPrecision(name: string): TPrecision {
  const fromName = precisionFromName(name);
  if (fromName !== "bf16") return fromName;
  return byKey.get(lookupKey(name))?.precision ?? "bf16";
}

/** What a checkpoint's name says about its weights ("…-FP8", "…-AWQ"); BF16 when it says nothing. */
export function precisionFromName(name: string): TPrecision {
  const lower = name.toLowerCase();
  if (/(^|[-_/])fp8([-_]|$)/.test(lower) || lower.includes("w8a8")) return "fp8";
  if (/(awq|gptq|int4|w4a16)/.test(lower)) return "int4";
  return "bf16";
}
