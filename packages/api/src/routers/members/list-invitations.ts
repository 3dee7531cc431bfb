import { listPendingInvitations } from "../../services/members/list-pending-invitations.ts";
import { orgProcedure } from "../../trpc.ts";
import { ZListInvitationsOutput } from "./list-invitations.schema.ts";

export const invitations = orgProcedure("ADMIN")
  .output(ZListInvitationsOutput)
  .query(({ ctx }) => listPendingInvitations(ctx.orgId));
