"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, EmptyState } from "@koi/ui/card";
import { Button } from "@koi/ui/button";
import { formatRelative } from "@/lib/relative-time";
import { roleLabel } from "@/lib/role-label";
import { errorMessage } from "@/lib/trpc-errors";
import { useTRPC } from "@/trpc/react";

export function PendingInvitations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invitations = useQuery(trpc.members.invitations.queryOptions());
  const revoke = useMutation(
    trpc.members.revokeInvitation.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.members.invitations.queryKey() }),
    }),
  );

  if (invitations.isPending)
    return (
      <div
        aria-busy="true"
        aria-label="Loading invitations"
        className="h-12 animate-pulse rounded bg-zinc-100 dark:bg-zinc-900"
      />
    );
  if (invitations.isError) {
    return (
      <div className="space-y-3">
        <Alert tone="error">Couldn't load the invitations: {errorMessage(invitations.error)}</Alert>
        <Button variant="secondary" size="sm" onClick={() => invitations.refetch()}>
          Try again
        </Button>
      </div>
    );
  }
  if (invitations.data.length === 0)
    return (
      <EmptyState title="No pending invitations">
        Invite a teammate with the form above; their invitation shows here until they accept.
      </EmptyState>
    );

  return (
    <div className="space-y-3">
      {revoke.isError ? <Alert tone="error">{errorMessage(revoke.error)}</Alert> : null}
      <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
        {invitations.data.map((inv) => (
          <li key={inv.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 text-sm">
            <span className="font-medium">{inv.email}</span>
            <span className="text-muted-foreground">{roleLabel[inv.role]}</span>
            <span className="text-muted-foreground">
              expires{" "}
              <time dateTime={inv.expiresAt.toISOString()} title={inv.expiresAt.toLocaleString()}>
                {formatRelative(inv.expiresAt)}
              </time>
              {inv.invitedByName ? ` · invited by ${inv.invitedByName}` : null}
            </span>
            <Button
              variant="ghost"
              size="sm"
              className="ml-auto"
              pending={revoke.isPending}
              onClick={() => revoke.mutate({ invitationId: inv.id })}
              aria-label={`Revoke the invitation to ${inv.email}`}
            >
              Revoke
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}
