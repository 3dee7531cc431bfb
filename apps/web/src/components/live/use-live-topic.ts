"use client";

import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useTRPC } from "@/trpc/react";

export type TLiveTopic = "fleet" | `workload:${string}`;

/**
 * Follows `topic` over server-sent events and refetches the queries under `queryKeys` whenever the
 * server says it changed. Returns whether the stream is connected: a page polls slowly while it is
 * and falls back to fast polling while it is not (a proxy that drops the stream, a restart).
 */
export function useLiveTopic(topic: TLiveTopic, queryKeys: QueryKey[]): boolean {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const subscription = useSubscription(
    trpc.live.changes.subscriptionOptions(
      { topic },
      {
        onData: () => {
          for (const queryKey of queryKeys) void queryClient.invalidateQueries({ queryKey });
        },
      },
    ),
  );
  // "pending": connected and waiting for the next event (tRPC's name for it).
  return subscription.status === "pending";
}
