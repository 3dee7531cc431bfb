import { ZWorkloadView, type TWorkloadView } from "@koi/contracts/workloads/workloads";
import { toWorkloadView as mapWorkload } from "@koi/services/workloads/to-workload-view";
import type { Workload } from "@koi/db";

/** The dashboard's mapping, parsed with `ZWorkloadView` so the API answers exactly its documented shape. */
export function toWorkloadView(w: Workload): TWorkloadView {
  return ZWorkloadView.parse(mapWorkload(w));
}
