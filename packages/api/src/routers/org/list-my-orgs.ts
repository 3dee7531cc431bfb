import { listUserOrgs } from "../../services/org/list-user-orgs.ts";
import { protectedProcedure } from "../../trpc.ts";
import { ZListMyOrgsOutput } from "./list-my-orgs.schema.ts";

export const listMine = protectedProcedure
  .output(ZListMyOrgsOutput)
  .query(({ ctx }) => listUserOrgs(ctx.userId, ctx.session?.activeOrgId ?? null));
