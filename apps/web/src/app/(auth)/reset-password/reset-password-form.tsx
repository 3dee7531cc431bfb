"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { ZResetPasswordInput } from "@koi/services/auth/reset-password.schema";
import { Alert } from "@koi/ui/card";
import { Button } from "@koi/ui/button";
import { Field } from "@koi/ui/field";
import { signInWithPassword } from "@/actions/sign-in-with-password";
import { PasswordInput } from "@/components/auth/password-field";
import { TextLink } from "@/components/auth/text-link";
import { errorMessage } from "@/lib/trpc-errors";
import { useTRPC } from "@/trpc/react";

// The server's schema plus a confirmation that only the browser needs.
const ZResetPasswordForm = ZResetPasswordInput.extend({ confirmPassword: z.string() }).refine(
  (v) => v.password === v.confirmPassword,
  {
    path: ["confirmPassword"],
    message: "The passwords don't match.",
  },
);

export function ResetPasswordForm({ token }: { token: string }) {
  const trpc = useTRPC();
  const reset = useMutation(trpc.auth.resetPassword.mutationOptions());
  const [signInError, setSignInError] = useState<string | null>(null);
  const form = useForm<z.input<typeof ZResetPasswordForm>, unknown, z.output<typeof ZResetPasswordForm>>({
    resolver: zodResolver(ZResetPasswordForm),
    defaultValues: { token, password: "", confirmPassword: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async ({ password }) => {
    const { email } = await reset.mutateAsync({ token, password }).catch(() => ({ email: null }));
    if (!email) return;
    const result = await signInWithPassword({ email, password, callbackUrl: "/dashboard" });
    if (result) setSignInError(result.error);
  });

  if (signInError) {
    return (
      <Alert tone="success">
        Your password is changed. <TextLink href="/sign-in">Sign in</TextLink> with it.
      </Alert>
    );
  }
  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      {reset.isError ? (
        <Alert tone="error">
          {errorMessage(reset.error)} <TextLink href="/forgot-password">Get a new link</TextLink>
        </Alert>
      ) : null}
      <Field id="password" label="New password" hint="At least 10 characters." error={errors.password?.message}>
        <PasswordInput
          id="password"
          autoComplete="new-password"
          autoFocus
          aria-invalid={Boolean(errors.password)}
          aria-describedby={errors.password ? "password-error" : undefined}
          {...form.register("password")}
        />
      </Field>
      <Field id="confirmPassword" label="Repeat the new password" error={errors.confirmPassword?.message}>
        <PasswordInput
          id="confirmPassword"
          autoComplete="new-password"
          aria-invalid={Boolean(errors.confirmPassword)}
          aria-describedby={errors.confirmPassword ? "confirmPassword-error" : undefined}
          {...form.register("confirmPassword")}
        />
      </Field>
      <Button type="submit" className="w-full" pending={isSubmitting}>
        {isSubmitting ? "Saving…" : "Set new password"}
      </Button>
    </form>
  );
}
