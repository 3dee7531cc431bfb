import { createTRPCRouter } from "../../trpc.ts";
import { getAgent } from "./get-agent.ts";
import { listFleet } from "./list-fleet.ts";

export const fleetRouter = createTRPCRouter({ list: listFleet, agent: getAgent });
