import { listMembers } from "../../services/members/list-members.ts";
import { orgProcedure } from "../../trpc.ts";
import { ZListMembersOutput } from "./list-members.schema.ts";

export const list = orgProcedure("VIEWER")
  .output(ZListMembersOutput)
  .query(({ ctx }) => listMembers(ctx.orgId, ctx.userId));
