import { listPendingInvitations } from "@koi/services/members/list-pending-invitations";
import { orgProcedure } from "../../trpc.ts";
import { ZListInvitationsOutput } from "@koi/services/members/list-invitations.schema";

export const invitations = orgProcedure("ADMIN")
  .output(ZListInvitationsOutput)
  .query(({ ctx }) => listPendingInvitations(ctx.orgId));
