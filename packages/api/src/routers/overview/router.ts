import { createTRPCRouter } from "../../trpc.ts";
import { getOverview } from "./get-overview.ts";

export const overviewRouter = createTRPCRouter({ get: getOverview });
