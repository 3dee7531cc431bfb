"use client";

import { roleAtLeast } from "@koi/auth/roles";
import type { TRole } from "@koi/services/members/role.schema";
import { Card } from "@koi/ui/card";
import { roleLabel } from "@/lib/role-label";
import { InviteMemberForm } from "./invite-member-form";
import { MembersTable } from "./members-table";
import { PendingInvitations } from "./pending-invitations";

/** Viewers and members see the team read-only (and may leave); admins and owners manage it. */
export function MembersSettings({ orgName, role }: { orgName: string; role: TRole }) {
  const canManage = roleAtLeast(role, "ADMIN");
  return (
    <div className="space-y-8">
      <div>
        <p className="text-sm text-muted-foreground">Settings</p>
        <h1 className="text-2xl font-semibold">Members of {orgName}</h1>
        {!canManage ? (
          <p className="mt-1 text-sm text-muted-foreground">
            You're a {roleLabel[role].toLowerCase()} here. Only admins and owners can invite people or change roles.
          </p>
        ) : null}
      </div>
      {canManage ? (
        <Card className="space-y-4">
          <h2 className="font-medium">Invite a teammate</h2>
          <InviteMemberForm actorRole={role} />
        </Card>
      ) : null}
      <section aria-labelledby="members-heading" className="space-y-3">
        <h2 id="members-heading" className="font-medium">
          Members
        </h2>
        <MembersTable actorRole={role} />
      </section>
      {canManage ? (
        <section aria-labelledby="invitations-heading" className="space-y-3">
          <h2 id="invitations-heading" className="font-medium">
            Pending invitations
          </h2>
          <PendingInvitations />
        </section>
      ) : null}
    </div>
  );
}
