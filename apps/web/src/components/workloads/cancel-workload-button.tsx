"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@koi/ui/button";
import { errorMessage } from "@/lib/trpc-errors";
import { useTRPC } from "@/trpc/react";

/** Two steps, so a stray click (or Enter) never stops a running job. */
export function CancelWorkloadButton({ workloadId }: { workloadId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const cancel = useMutation(
    trpc.workloads.cancel.mutationOptions({
      onSuccess: async () => {
        setConfirming(false);
        await queryClient.invalidateQueries(trpc.workloads.get.queryFilter({ workloadId }));
      },
    }),
  );
  if (!confirming) {
    return (
      <Button variant="secondary" size="sm" onClick={() => setConfirming(true)}>
        Cancel workload
      </Button>
    );
  }
  return (
    <div role="group" aria-label="Confirm cancel" className="flex flex-wrap items-center gap-2">
      <span className="text-sm">Stop it and release its GPUs?</span>
      <Button variant="danger" size="sm" disabled={cancel.isPending} onClick={() => cancel.mutate({ workloadId })}>
        {cancel.isPending ? "Cancelling…" : "Yes, cancel"}
      </Button>
      <Button variant="ghost" size="sm" onClick={() => setConfirming(false)}>
        Keep running
      </Button>
      {cancel.isError ? (
        <span role="alert" className="text-sm text-red-600">
          {errorMessage(cancel.error)}
        </span>
      ) : null}
    </div>
  );
}
