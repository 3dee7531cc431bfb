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
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@koi/ui/table";
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
      <Table boxed label="Members">
        <TableHeader>
          <TableRow>
            <TableHead>Name</TableHead>
            <TableHead>Email</TableHead>
            <TableHead>Role</TableHead>
            <TableHead>
              <span className="sr-only">Actions</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {members.data.map((m) => {
            const who = m.name ?? m.email;
            return (
              <TableRow key={m.membershipId}>
                <TableCell className="font-medium">
                  {m.name ?? "—"}
                  {m.isYou ? <span className="ml-2 text-xs font-normal text-muted-foreground">(you)</span> : null}
                </TableCell>
                <TableCell className="text-muted-foreground">{m.email}</TableCell>
                <TableCell>
                  {canEditRole(actorRole, m) ? (
                    <Select
                      aria-label={`Role of ${who}`}
                      className="w-36"
                      value={m.role}
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
                </TableCell>
                <TableCell className="text-right">
                  {!canRemove(actorRole, m) ? null : confirming === m.membershipId ? (
                    <span className="inline-flex items-center gap-2">
                      <Button
                        variant="danger"
                        size="sm"
                        pending={remove.isPending}
                        onClick={() => remove.mutate({ membershipId: m.membershipId })}
                      >
                        {m.isYou ? "Yes, leave" : `Yes, remove ${who}`}
                      </Button>
                      {/* The safe choice takes focus when the question appears, and gives it back. */}
                      <Button
                        variant="ghost"
                        size="sm"
                        autoFocus
                        onClick={() => {
                          setConfirming(null);
                          requestAnimationFrame(() => document.getElementById(`remove-${m.membershipId}`)?.focus());
                        }}
                      >
                        Cancel
                      </Button>
                    </span>
                  ) : (
                    <Button
                      id={`remove-${m.membershipId}`}
                      variant="ghost"
                      size="sm"
                      onClick={() => setConfirming(m.membershipId)}
                      aria-label={m.isYou ? "Leave this organization" : `Remove ${who}`}
                    >
                      {m.isYou ? "Leave" : "Remove"}
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}
