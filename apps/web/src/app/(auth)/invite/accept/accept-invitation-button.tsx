"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Alert } from "@koi/ui/card";
import { Button } from "@koi/ui/button";
import { switchActiveOrg } from "@/actions/switch-active-org";
import { errorMessage } from "@/lib/trpc-errors";
import { useTRPC } from "@/trpc/react";

export function AcceptInvitationButton({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(
    trpc.auth.acceptInvitation.mutationOptions({
      onSuccess: async ({ orgId, orgSlug }) => {
        await switchActiveOrg(orgId);
        router.push(`/o/${orgSlug}`);
        router.refresh();
      },
    }),
  );
  return (
    <div className="space-y-3">
      {accept.isError ? <Alert tone="error">{errorMessage(accept.error)}</Alert> : null}
      <Button
        className="w-full"
        pending={accept.isPending || accept.isSuccess}
        onClick={() => accept.mutate({ token })}
      >
        {accept.isPending || accept.isSuccess ? "Joining…" : "Accept invitation"}
      </Button>
    </div>
  );
}
