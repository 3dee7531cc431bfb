import { z } from "zod";
import { ZPendingInvitation } from "./invite-member.schema.ts";

export const ZListInvitationsOutput = z.array(ZPendingInvitation);
