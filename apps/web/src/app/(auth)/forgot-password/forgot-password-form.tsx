"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { ZRequestPasswordResetInput } from "@koi/services/auth/request-password-reset.schema";
import { Alert } from "@koi/ui/card";
import { Button } from "@koi/ui/button";
import { Field, Input } from "@koi/ui/field";
import { errorMessage } from "@/lib/trpc-errors";
import { useTRPC } from "@/trpc/react";
import { useFocusOnMount } from "@/lib/use-focus-on-mount";

export function ForgotPasswordForm() {
  const trpc = useTRPC();
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  const form = useForm<
    z.input<typeof ZRequestPasswordResetInput>,
    unknown,
    z.output<typeof ZRequestPasswordResetInput>
  >({
    resolver: zodResolver(ZRequestPasswordResetInput),
    defaultValues: { email: "" },
  });
  const { errors } = form.formState;

  if (request.isSuccess) return <SentNotice email={request.variables.email} />;
  return (
    <form
      method="post"
      onSubmit={form.handleSubmit((values) => request.mutate(values))}
      noValidate
      className="space-y-4"
    >
      {request.isError ? <Alert tone="error">{errorMessage(request.error)}</Alert> : null}
      <Field id="email" label="Email" error={errors.email?.message}>
        <Input
          id="email"
          type="email"
          autoComplete="email"
          autoFocus
          aria-invalid={Boolean(errors.email)}
          aria-describedby={errors.email ? "email-error" : undefined}
          {...form.register("email")}
        />
      </Field>
      <Button type="submit" className="w-full" pending={request.isPending}>
        {request.isPending ? "Sending…" : "Email me a reset link"}
      </Button>
    </form>
  );
}

/** Replaces the form once sent, and takes the focus the submit button had. */
function SentNotice({ email }: { email: string }) {
  const ref = useFocusOnMount<HTMLDivElement>();
  return (
    <Alert ref={ref} tabIndex={-1} tone="success">
      If an account exists for {email}, we've sent it a link to choose a new password. The link works once, for 1 hour.
    </Alert>
  );
}
