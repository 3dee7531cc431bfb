"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@koi/ui/button";
import { Alert, EmptyState } from "@koi/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@koi/ui/table";
import { RelativeTime } from "@/components/relative-time";
import { useTRPC } from "@/trpc/react";

export function ApiKeysTable({ canManage }: { canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: async (_data, { keyId }) => {
        await queryClient.invalidateQueries(trpc.apiKeys.list.queryFilter());
        document.getElementById(`revoked-${keyId}`)?.focus();
      },
    }),
  );
  if (keys.isPending) return <p className="text-sm text-muted-foreground">Loading keys…</p>;
  if (keys.isError) return <Alert tone="error">Could not load API keys: {keys.error.message}</Alert>;
  if (!keys.data.length)
    return (
      <EmptyState title="No API keys yet">Create one for each engine agent or script that talks to Koi.</EmptyState>
    );
  const now = new Date();
  const when = (d: Date | null, none = "never") => (d ? <RelativeTime date={d} now={now} /> : none);
  return (
    <Table labelledBy="keys-heading">
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          <TableHead>Key</TableHead>
          <TableHead>Scopes</TableHead>
          <TableHead>Created</TableHead>
          <TableHead>Last used</TableHead>
          <TableHead>Expires</TableHead>
          <TableHead>
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {keys.data.map((k) => (
          <TableRow key={k.id} className={k.revokedAt ? "text-muted-foreground" : undefined}>
            <TableCell className="font-medium">{k.name}</TableCell>
            <TableCell className="font-mono text-xs">
              {k.prefix}…{k.lastFour}
            </TableCell>
            <TableCell>{k.scopes.join(", ")}</TableCell>
            <TableCell>
              {when(k.createdAt)}
              {k.createdBy ? <span className="text-muted-foreground"> by {k.createdBy}</span> : null}
              {k.creatorLeft && !k.revokedAt ? (
                <span className="block text-xs text-amber-700 dark:text-amber-400">
                  Its creator is no longer a member; it works until revoked.
                </span>
              ) : null}
            </TableCell>
            <TableCell>{when(k.lastUsedAt)}</TableCell>
            <TableCell>{when(k.expiresAt)}</TableCell>
            <TableCell className="text-right">
              {k.revokedAt ? (
                // Focus lands here after revoking, where the button was.
                <span id={`revoked-${k.id}`} tabIndex={-1} className="text-xs">
                  revoked {when(k.revokedAt)}
                </span>
              ) : canManage ? (
                <Button
                  variant="danger"
                  size="sm"
                  pending={revoke.isPending}
                  aria-label={`Revoke ${k.name}`}
                  onClick={() => {
                    if (window.confirm(`Revoke "${k.name}"? Agents using it stop working within seconds.`))
                      revoke.mutate({ keyId: k.id });
                  }}
                >
                  Revoke
                </Button>
              ) : null}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
