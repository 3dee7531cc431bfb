import { createTRPCRouter } from "../../trpc.ts";
import { exportCosts } from "./export-costs.ts";
import { getCosts } from "./get-costs.ts";

export const costsRouter = createTRPCRouter({ get: getCosts, export: exportCosts });
