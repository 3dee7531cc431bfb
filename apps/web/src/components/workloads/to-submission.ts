import type { z } from "zod";
import { ZWorkloadSubmission, type TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { formatNumber } from "@/lib/format";

export const MARKETS = ["spot", "on-demand", "reserved", "on-prem", "serverless"] as const;

/** The new-workload form's flat values: both kinds' fields, numbers as typed (NaN when empty). */
export type TWorkloadFormValues = {
  name: string;
  model: string;
  kind: "batch" | "online";
  priority: "low" | "normal" | "high" | "urgent";
  requests: number;
  deadlineHours: number;
  inputUri: string;
  requestsPerSecond: number;
  ttftP95Ms: number;
  tpotP95Ms: number;
  avgInputTokens: number;
  avgOutputTokens: number;
  budgetUsd: number;
  allowedMarkets: string[];
  /** Prefill and decode may run on different GPUs (engines that declare pd_disaggregation). */
  allowDisaggregation: boolean;
};

export const DEFAULT_FORM_VALUES: TWorkloadFormValues = {
  name: "",
  model: "meta-llama/Llama-3.1-8B",
  kind: "batch",
  priority: "normal",
  requests: 10_000,
  deadlineHours: 4,
  inputUri: "",
  requestsPerSecond: 5,
  ttftP95Ms: 500,
  tpotP95Ms: 50,
  avgInputTokens: 512,
  avgOutputTokens: 256,
  budgetUsd: Number.NaN,
  allowedMarkets: [...MARKETS],
  allowDisaggregation: false,
};

const opt = (n: number) => (Number.isFinite(n) ? n : undefined);

/** Builds the API submission from the form and checks it with the server's own schema. */
export function toSubmission(v: TWorkloadFormValues) {
  const common = {
    model: v.model.trim(),
    avgInputTokens: v.avgInputTokens,
    avgOutputTokens: v.avgOutputTokens,
    priority: v.priority,
    ...(v.name.trim() ? { name: v.name.trim() } : {}),
    ...(opt(v.budgetUsd) !== undefined ? { budgetUsd: v.budgetUsd } : {}),
    // All markets is the default; only send a restriction.
    ...(v.allowedMarkets.length < MARKETS.length ? { allowedMarkets: v.allowedMarkets } : {}),
    // Off is the default; only send it when on.
    ...(v.allowDisaggregation ? { allowDisaggregation: true } : {}),
  };
  const raw =
    v.kind === "batch"
      ? {
          kind: "batch" as const,
          ...common,
          requests: v.requests,
          deadlineHours: v.deadlineHours,
          ...(v.inputUri.trim() ? { input: { uri: v.inputUri.trim() } } : {}),
        }
      : {
          kind: "online" as const,
          ...common,
          requestsPerSecond: v.requestsPerSecond,
          ttftP95Ms: v.ttftP95Ms,
          tpotP95Ms: v.tpotP95Ms,
        };
  const parsed = ZWorkloadSubmission.safeParse(raw);
  if (parsed.success) return { ok: true as const, submission: parsed.data as TWorkloadSubmission };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "form")] ??= fieldMessage(issue);
  return { ok: false as const, errors };
}

/**
 * The message shown under a field. The API's messages name the field as the JSON does
 * ("avgOutputTokens must be > 0"); beside its label a number's bounds read better in words.
 */
export function fieldMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && issue.expected === "number") return "Enter a number";
  if (issue.code === "invalid_type" && issue.expected === "int") return "Enter a whole number";
  if (issue.code === "too_small" && issue.origin === "number")
    return `Must be ${issue.inclusive ? "at least" : "more than"} ${formatNumber(Number(issue.minimum))}`;
  if (issue.code === "too_big" && issue.origin === "number")
    return `Must be ${issue.inclusive ? "at most" : "less than"} ${formatNumber(Number(issue.maximum))}`;
  return issue.message;
}
