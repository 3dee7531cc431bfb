"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { ZCreateOrgInput } from "@koi/services/org/create-org.schema";
import { Alert } from "@koi/ui/card";
import { Button } from "@koi/ui/button";
import { Field, Input } from "@koi/ui/field";
import { switchActiveOrg } from "@/actions/switch-active-org";
import { errorMessage } from "@/lib/trpc-errors";
import { useTRPC } from "@/trpc/react";

export function CreateOrgForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.org.create.mutationOptions());
  const form = useForm<z.input<typeof ZCreateOrgInput>, unknown, z.output<typeof ZCreateOrgInput>>({
    resolver: zodResolver(ZCreateOrgInput),
    defaultValues: { name: "" },
  });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    const org = await create.mutateAsync(values).catch(() => null);
    if (!org) return;
    await switchActiveOrg(org.id);
    router.push(`/o/${org.slug}`);
    router.refresh();
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      {create.isError ? <Alert tone="error">{errorMessage(create.error)}</Alert> : null}
      <Field
        id="name"
        label="Organization name"
        hint="Usually your company or team. You can invite people next."
        error={errors.name?.message}
      >
        <Input
          id="name"
          autoFocus
          autoComplete="organization"
          aria-invalid={Boolean(errors.name)}
          aria-describedby={errors.name ? "name-error" : undefined}
          {...form.register("name")}
        />
      </Field>
      <Button type="submit" pending={create.isPending || create.isSuccess}>
        {create.isPending || create.isSuccess ? "Creating…" : "Create organization"}
      </Button>
    </form>
  );
}
