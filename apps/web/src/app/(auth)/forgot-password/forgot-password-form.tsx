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

  if (request.isSuccess) {
    return (
      <Alert tone="success">
        If an account exists for {request.variables.email}, we've sent it a link to choose a new password. The link
        works once, for 1 hour.
      </Alert>
    );
  }
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
      <Button type="submit" className="w-full" disabled={request.isPending}>
        {request.isPending ? "Sending…" : "Email me a reset link"}
      </Button>
    </form>
  );
}
