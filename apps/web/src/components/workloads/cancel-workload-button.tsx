"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@koi/ui/button";
import { errorMessage } from "@/lib/trpc-errors";
import { useTRPC } from "@/trpc/react";

/** Where focus goes once the workload is cancelled and this button is gone: its status line. */
export const WORKLOAD_STATUS_ID = "workload-status";

/**
 * Two steps, so a stray click (or Enter) never stops a running job. Focus follows what is on
 * screen: to the safe choice ("Keep running") when the question appears, back to "Cancel workload"
 * when it is dismissed, and to the workload's status once it is cancelled.
 */
export function CancelWorkloadButton({ workloadId }: { workloadId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const questionId = useId();
  const keepRef = useRef<HTMLButtonElement>(null);
  const startRef = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    if (confirming) keepRef.current?.focus();
    else if (asked.current) startRef.current?.focus();
    asked.current = confirming;
  }, [confirming]);
  const cancel = useMutation(
    trpc.workloads.cancel.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.workloads.get.queryFilter({ workloadId }));
        document.getElementById(WORKLOAD_STATUS_ID)?.focus();
      },
    }),
  );
  if (!confirming) {
    return (
      <Button ref={startRef} variant="secondary" size="sm" onClick={() => setConfirming(true)}>
        Cancel workload
      </Button>
    );
  }
  return (
    <div role="group" aria-labelledby={questionId} className="flex flex-wrap items-center gap-2">
      <span id={questionId} className="text-sm">
        Stop it and release its GPUs?
      </span>
      <Button variant="danger" size="sm" pending={cancel.isPending} onClick={() => cancel.mutate({ workloadId })}>
        {cancel.isPending ? "Cancelling…" : "Yes, cancel"}
      </Button>
      <Button ref={keepRef} variant="ghost" size="sm" onClick={() => setConfirming(false)}>
        Keep running
      </Button>
      {cancel.isError ? (
        <span role="alert" className="text-sm text-danger">
          {errorMessage(cancel.error)}
        </span>
      ) : null}
    </div>
  );
}
