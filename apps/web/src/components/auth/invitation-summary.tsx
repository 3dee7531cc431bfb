import type { TInvitationInfo } from "@koi/services/auth/invitation-info.schema";
import { roleDescription, roleLabel } from "@/lib/role-label";

/** "Join Acme AI as Member" — or, for a waitlist approval, an org of one's own. */
export function invitationTitle(info: TInvitationInfo): string {
  return info.orgName ? `Join ${info.orgName} on Koi` : "Your Koi access is ready";
}

export function InvitationSummary({ info }: { info: TInvitationInfo }) {
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 rounded-md bg-zinc-50 p-4 text-sm dark:bg-zinc-800/50">
      <dt className="text-muted-foreground">Organization</dt>
      <dd className="font-medium">{info.orgName ?? "Your own, created for you"}</dd>
      <dt className="text-muted-foreground">Role</dt>
      <dd>
        <span className="font-medium">{roleLabel[info.role]}</span>{" "}
        <span className="text-muted-foreground">— {roleDescription[info.role]}</span>
      </dd>
      <dt className="text-muted-foreground">Email</dt>
      <dd className="font-medium">{info.email}</dd>
    </dl>
  );
}
