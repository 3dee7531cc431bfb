import { createTRPCRouter } from "../../trpc.ts";
import { changeRole } from "./change-member-role.ts";
import { invite } from "./invite-member.ts";
import { invitations } from "./list-invitations.ts";
import { list } from "./list-members.ts";
import { remove } from "./remove-member.ts";
import { revokeInvitation } from "./revoke-invitation.ts";

export const membersRouter = createTRPCRouter({ list, invite, changeRole, remove, invitations, revokeInvitation });
