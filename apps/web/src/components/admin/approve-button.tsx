"use client";

import { useMutation } from "@tanstack/react-query";
import { Check, LoaderCircle } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { Button } from "@koi/ui/button";
import { useTRPC } from "@/trpc/react";

export function ApproveButton({ entryId, email }: { entryId: string; email: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [refreshing, startRefresh] = useTransition();
  const approve = useMutation(
    trpc.admin.waitlist.approve.mutationOptions({
      onSuccess: () => startRefresh(() => router.refresh()),
    }),
  );

  if (approve.isSuccess) {
    return (
      <span role="status" className="inline-flex items-center gap-1 text-sm text-emerald-700 dark:text-emerald-400">
        <Check aria-hidden className="size-4" /> Invited
      </span>
    );
  }
  const busy = approve.isPending || refreshing;
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button size="sm" pending={busy} onClick={() => approve.mutate({ entryId })} aria-label={`Approve ${email}`}>
        {busy ? <LoaderCircle aria-hidden className="size-4 animate-spin" /> : null}
        {busy ? "Approving…" : "Approve"}
      </Button>
      {approve.isError ? (
        <span role="alert" className="text-xs text-danger">
          {approve.error.message}
        </span>
      ) : null}
    </span>
  );
}
