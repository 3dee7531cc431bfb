import { listUserOrgs } from "@koi/services/org/list-user-orgs";
import { protectedProcedure } from "../../trpc.ts";
import { ZListMyOrgsOutput } from "@koi/services/org/list-my-orgs.schema";

export const listMine = protectedProcedure
  .output(ZListMyOrgsOutput)
  .query(({ ctx }) => listUserOrgs(ctx.userId, ctx.session?.activeOrgId ?? null));
