import { ZWorkloadSubmission, type TWorkloadSubmission } from "@koi/contracts/workloads/workloads";

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
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? "form");
    errors[key] ??= issue.message.replace(/^Invalid input: expected number, received NaN$/, "Enter a number");
  }
  return { ok: false as const, errors };
}
