"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@koi/ui/button";
import { Alert, EmptyState } from "@koi/ui/card";
import { RelativeTime } from "@/components/relative-time";
import { useTRPC } from "@/trpc/react";

export function ApiKeysTable({ canManage }: { canManage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.apiKeys.list.queryFilter()),
    }),
  );
  if (keys.isPending) return <p className="text-sm text-zinc-500">Loading keys…</p>;
  if (keys.isError) return <Alert tone="error">Could not load API keys: {keys.error.message}</Alert>;
  if (!keys.data.length)
    return (
      <EmptyState title="No API keys yet">Create one for each engine agent or script that talks to Koi.</EmptyState>
    );
  const now = new Date();
  const when = (d: Date | null, none = "never") => (d ? <RelativeTime date={d} now={now} /> : none);
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="text-xs uppercase tracking-wide text-zinc-500">
          <tr>
            <th className="py-2 pr-4 font-medium">Name</th>
            <th className="py-2 pr-4 font-medium">Key</th>
            <th className="py-2 pr-4 font-medium">Scopes</th>
            <th className="py-2 pr-4 font-medium">Created</th>
            <th className="py-2 pr-4 font-medium">Last used</th>
            <th className="py-2 pr-4 font-medium">Expires</th>
            <th className="py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {keys.data.map((k) => (
            <tr key={k.id} className={k.revokedAt ? "text-zinc-400" : undefined}>
              <td className="py-2 pr-4 font-medium">{k.name}</td>
              <td className="py-2 pr-4 font-mono text-xs">
                {k.prefix}…{k.lastFour}
              </td>
              <td className="py-2 pr-4">{k.scopes.join(", ")}</td>
              <td className="py-2 pr-4">
                {when(k.createdAt)}
                {k.createdBy ? <span className="text-zinc-500"> by {k.createdBy}</span> : null}
              </td>
              <td className="py-2 pr-4">{when(k.lastUsedAt)}</td>
              <td className="py-2 pr-4">{when(k.expiresAt)}</td>
              <td className="py-2 text-right">
                {k.revokedAt ? (
                  <span className="text-xs">revoked {when(k.revokedAt)}</span>
                ) : canManage ? (
                  <Button
                    variant="danger"
                    size="sm"
                    disabled={revoke.isPending}
                    onClick={() => {
                      if (window.confirm(`Revoke "${k.name}"? Agents using it stop working within seconds.`))
                        revoke.mutate({ keyId: k.id });
                    }}
                  >
                    Revoke
                  </Button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
