import { z } from "zod";
import { findOrgWorkload } from "@koi/services/workloads/find-org-workload";
import { openLiveStream } from "@koi/services/live/live-stream-slots";
import { createTRPCRouter, orgProcedure } from "../../trpc.ts";

/** What a live page can follow: the fleet, or one workload of the org. */
const ZLiveTopic = z.union([z.literal("fleet"), z.string().regex(/^workload:[A-Za-z0-9_-]{1,128}$/)]);

/**
 * `live.changes`: server-sent events telling an open page that what it shows has changed. Carries
 * only the topic; the page refetches through its own queries, so nothing is sent that the
 * member's queries would not return. The stream ends after a few minutes (trpc.ts `sse`) and the
 * client reconnects, so a revoked session or membership stops it on the next reconnect. A member
 * holds at most MAX_LIVE_STREAMS_PER_MEMBER streams per web process (TOO_MANY_REQUESTS beyond).
 */
const changes = orgProcedure("VIEWER")
  .input(z.object({ topic: ZLiveTopic }))
  .subscription(async ({ ctx, input, signal }) => {
    // Checked before the stream starts, so another org's workload is NOT_FOUND like everywhere else.
    if (input.topic.startsWith("workload:")) await findOrgWorkload(ctx.orgId, input.topic.slice("workload:".length));
    return openLiveStream(ctx.userId, ctx.orgId, input.topic, signal ?? new AbortController().signal);
  });

export const liveRouter = createTRPCRouter({ changes });
