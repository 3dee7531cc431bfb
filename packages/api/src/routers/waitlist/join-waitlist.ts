import { env } from "@koi/core/env";
import { enforceRateLimit } from "../../enforce-rate-limit.ts";
import { publicProcedure } from "../../trpc.ts";
import { addToWaitlist } from "@koi/services/waitlist/add-to-waitlist";
import { ZJoinWaitlistInput, ZJoinWaitlistOutput } from "@koi/services/waitlist/join-waitlist.schema";

const HOUR_MS = 3_600_000;

/** Public: the answer for a new and an already-listed email is the same, byte for byte. */
export const joinWaitlist = publicProcedure
  .input(ZJoinWaitlistInput)
  .output(ZJoinWaitlistOutput)
  .mutation(async ({ ctx, input }) => {
    await enforceRateLimit("waitlist", ctx.ip, env().KOI_WAITLIST_LIMIT_PER_HOUR, HOUR_MS);
    const { created, resent } = await addToWaitlist(input);
    ctx.log.info({ created, resent }, "waitlist join");
    return { status: "check-inbox" as const };
  });
