import { listMembers } from "@koi/services/members/list-members";
import { orgProcedure } from "../../trpc.ts";
import { ZListMembersOutput } from "@koi/services/members/list-members.schema";

export const list = orgProcedure("VIEWER")
  .output(ZListMembersOutput)
  .query(({ ctx }) => listMembers(ctx.orgId, ctx.userId));
