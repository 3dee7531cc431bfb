import { API_PREFIX } from "./paths.ts";

/** The customer API: submit, list, get and cancel workloads; dry-run plans. */
export const WORKLOAD_API_PATHS = {
  workloads: `${API_PREFIX}/workloads`,
  workload: `${API_PREFIX}/workloads/{workloadId}`,
  cancel: `${API_PREFIX}/workloads/{workloadId}/cancel`,
  plan: `${API_PREFIX}/plan`,
} as const;
