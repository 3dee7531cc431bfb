import { createTRPCRouter } from "../../trpc.ts";
import { confirmWaitlist } from "./confirm-waitlist.ts";
import { joinWaitlist } from "./join-waitlist.ts";

export const waitlistRouter = createTRPCRouter({
  join: joinWaitlist,
  confirm: confirmWaitlist,
});
