"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { roleAtLeast } from "@koi/auth/roles";
import type { TMember } from "@koi/services/members/list-members.schema";
import { roles, type TRole } from "@koi/services/members/role.schema";
import { Alert, EmptyState } from "@koi/ui/card";
import { Button } from "@koi/ui/button";
import { Select } from "@koi/ui/field";
import { roleLabel } from "@/lib/role-label";
import { errorMessage } from "@/lib/trpc-errors";
import { useTRPC } from "@/trpc/react";

// Mirrors the server's rules so the page offers only what would succeed; the server still decides.
const canEditRole = (actor: TRole, m: TMember) =>
  roleAtLeast(actor, "ADMIN") && (m.role !== "OWNER" || actor === "OWNER");
const canRemove = (actor: TRole, m: TMember) => m.isYou || canEditRole(actor, m);

export function MembersTable({ actorRole }: { actorRole: TRole }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.members.list.queryOptions());
  const [confirming, setConfirming] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey() });

  const changeRole = useMutation(
    trpc.members.changeRole.mutationOptions({
      onSuccess: async (_data, vars) => {
        await refresh();
        // A change to your own role changes what this page may show you.
        if (members.data?.find((m) => m.membershipId === vars.membershipId)?.isYou) router.refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.members.remove.mutationOptions({
      onSuccess: async ({ left }) => {
        setConfirming(null);
        if (left) {
          router.push("/dashboard");
          router.refresh();
          return;
        }
        await refresh();
      },
    }),
  );

  if (members.isPending) {
    return (
      <div aria-busy="true" aria-label="Loading members" className="space-y-2">
        {[0, 1, 2].map((i) => (
          <div key={i} className="h-12 animate-pulse rounded bg-zinc-100 dark:bg-zinc-900" />
        ))}
      </div>
    );
  }
  if (members.isError) {
    return (
      <div className="space-y-3">
        <Alert tone="error">Couldn't load the members: {errorMessage(members.error)}</Alert>
        <Button variant="secondary" size="sm" onClick={() => members.refetch()}>
          Try again
        </Button>
      </div>
    );
  }
  if (members.data.length === 0)
    return <EmptyState title="No members yet">Invite a teammate to get started.</EmptyState>;

  const failure = changeRole.error ?? remove.error;
  return (
    <div className="space-y-3">
      {failure ? <Alert tone="error">{errorMessage(failure)}</Alert> : null}
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-zinc-200 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">
                Name
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Email
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Role
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data.map((m) => {
              const who = m.name ?? m.email;
              return (
                <tr key={m.membershipId} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                  <td className="px-4 py-3 font-medium">
                    {m.name ?? "—"}
                    {m.isYou ? <span className="ml-2 text-xs font-normal text-zinc-500">(you)</span> : null}
                  </td>
                  <td className="px-4 py-3 text-zinc-600 dark:text-zinc-400">{m.email}</td>
                  <td className="px-4 py-3">
                    {canEditRole(actorRole, m) ? (
                      <Select
                        aria-label={`Role of ${who}`}
                        className="w-36"
                        value={m.role}
                        disabled={changeRole.isPending}
                        onChange={(e) =>
                          changeRole.mutate({ membershipId: m.membershipId, role: e.target.value as TRole })
                        }
                      >
                        {roles
                          .filter((r) => r !== "OWNER" || actorRole === "OWNER")
                          .map((r) => (
                            <option key={r} value={r}>
                              {roleLabel[r]}
                            </option>
                          ))}
                      </Select>
                    ) : (
                      <span>{roleLabel[m.role]}</span>
                    )}
                  </td>
                  <td className="px-4 py-3 text-right">
                    {!canRemove(actorRole, m) ? null : confirming === m.membershipId ? (
                      <span className="inline-flex items-center gap-2">
                        <Button
                          variant="danger"
                          size="sm"
                          disabled={remove.isPending}
                          onClick={() => remove.mutate({ membershipId: m.membershipId })}
                        >
                          {m.isYou ? "Yes, leave" : `Yes, remove ${who}`}
                        </Button>
                        <Button variant="ghost" size="sm" onClick={() => setConfirming(null)}>
                          Cancel
                        </Button>
                      </span>
                    ) : (
                      <Button
                        variant="ghost"
                        size="sm"
                        onClick={() => setConfirming(m.membershipId)}
                        aria-label={m.isYou ? "Leave this organization" : `Remove ${who}`}
                      >
                        {m.isYou ? "Leave" : "Remove"}
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
