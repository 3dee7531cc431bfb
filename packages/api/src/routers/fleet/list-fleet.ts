import { z } from "zod";
import { ZClusterView } from "@koi/services/fleet/fleet.schema";
import { findFleet } from "@koi/services/fleet/list-fleet";
import { orgProcedure } from "../../trpc.ts";

export const listFleet = orgProcedure("VIEWER")
  .output(z.array(ZClusterView))
  .query(({ ctx }) => findFleet(ctx.orgId));
