import { createTRPCRouter } from "../../trpc.ts";
import { create } from "./create-org.ts";
import { listMine } from "./list-my-orgs.ts";

export const orgRouter = createTRPCRouter({ listMine, create });
