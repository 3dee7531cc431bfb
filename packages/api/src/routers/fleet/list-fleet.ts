import { ZFleetView } from "@koi/services/fleet/fleet.schema";
import { findFleet } from "@koi/services/fleet/list-fleet";
import { orgProcedure } from "../../trpc.ts";

export const listFleet = orgProcedure("VIEWER")
  .output(ZFleetView)
  .query(({ ctx }) => findFleet(ctx.orgId));
