"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { ZInviteMemberInput } from "@koi/services/members/invite-member.schema";
import { roles, type TRole } from "@koi/services/members/role.schema";
import { Alert } from "@koi/ui/card";
import { Button } from "@koi/ui/button";
import { Field, Input, Select } from "@koi/ui/field";
import { roleDescription, roleLabel } from "@/lib/role-label";
import { errorMessage, fieldErrorsOf } from "@/lib/trpc-errors";
import { useTRPC } from "@/trpc/react";

type TFormInput = z.input<typeof ZInviteMemberInput>;

export function InviteMemberForm({ actorRole }: { actorRole: TRole }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invite = useMutation(
    trpc.members.invite.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.members.invitations.queryKey() }),
    }),
  );
  const form = useForm<TFormInput, unknown, z.output<typeof ZInviteMemberInput>>({
    resolver: zodResolver(ZInviteMemberInput),
    defaultValues: { email: "", role: "MEMBER" },
  });
  const { errors } = form.formState;
  // Only an owner can make another owner; the server enforces it, the form just doesn't offer it.
  const offered = roles.filter((r) => r !== "OWNER" || actorRole === "OWNER");

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await invite.mutateAsync(values);
      form.reset({ email: "", role: values.role });
    } catch (err) {
      for (const [field, message] of Object.entries(fieldErrorsOf(err)))
        form.setError(field as keyof TFormInput, { message });
    }
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      {invite.isError && !Object.keys(fieldErrorsOf(invite.error)).length ? (
        <Alert tone="error">{errorMessage(invite.error)}</Alert>
      ) : null}
      {invite.isSuccess && !form.formState.isDirty ? (
        <Alert tone="success">Invitation sent to {invite.data.email}. The link works for 7 days.</Alert>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-[1fr_14rem_auto] sm:items-start">
        <Field id="invite-email" label="Email" error={errors.email?.message}>
          <Input
            id="invite-email"
            type="email"
            autoComplete="off"
            placeholder="teammate@company.com"
            aria-invalid={Boolean(errors.email)}
            aria-describedby={errors.email ? "invite-email-error" : undefined}
            {...form.register("email")}
          />
        </Field>
        <Field id="invite-role" label="Role" hint={roleDescription[form.watch("role")]} error={errors.role?.message}>
          <Select id="invite-role" {...form.register("role")}>
            {offered.map((r) => (
              <option key={r} value={r}>
                {roleLabel[r]}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" className="sm:mt-6" pending={invite.isPending}>
          {invite.isPending ? "Sending…" : "Send invitation"}
        </Button>
      </div>
    </form>
  );
}
