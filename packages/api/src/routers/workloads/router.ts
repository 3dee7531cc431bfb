import { createTRPCRouter } from "../../trpc.ts";
import { cancelWorkload } from "./cancel-workload.ts";
import { getWorkload } from "./get-workload.ts";
import { listWorkloads } from "./list-workloads.ts";
import { previewWorkload } from "./preview-workload.ts";
import { submitWorkload } from "./submit-workload.ts";

export const workloadsRouter = createTRPCRouter({
  list: listWorkloads,
  get: getWorkload,
  preview: previewWorkload,
  submit: submitWorkload,
  cancel: cancelWorkload,
});
