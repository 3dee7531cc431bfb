"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { ZSignUpInput } from "@koi/services/auth/sign-up.schema";
import { Alert } from "@koi/ui/card";
import { Button } from "@koi/ui/button";
import { Field, Input } from "@koi/ui/field";
import { signInWithPassword } from "@/actions/sign-in-with-password";
import { PasswordInput } from "@/components/auth/password-field";
import { errorMessage, fieldErrorsOf } from "@/lib/trpc-errors";
import { useTRPC } from "@/trpc/react";

type TFormInput = z.input<typeof ZSignUpInput>;

/**
 * Creates the account, then signs in with the same password and goes to the dashboard.
 * With an invitation the email is fixed (the invitation's); without one it is asked for.
 */
export function SignUpForm({ inviteToken, invitedEmail }: { inviteToken?: string; invitedEmail?: string }) {
  const trpc = useTRPC();
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const form = useForm<TFormInput, unknown, z.output<typeof ZSignUpInput>>({
    resolver: zodResolver(ZSignUpInput),
    defaultValues: inviteToken ? { inviteToken, name: "", password: "" } : { email: "", name: "", password: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    let email: string;
    try {
      ({ email } = await signUp.mutateAsync(values));
    } catch (err) {
      for (const [field, message] of Object.entries(fieldErrorsOf(err)))
        form.setError(field as keyof TFormInput, { message });
      setError(errorMessage(err));
      return;
    }
    const result = await signInWithPassword({ email, password: values.password, callbackUrl: "/dashboard" });
    // Open sign-up answers an existing email like a new one; then this sign-in is what fails.
    if (result)
      setError(
        result.rateLimited
          ? result.error
          : "We couldn't sign you in. If you already have an account, sign in with its password.",
      );
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      {error ? <Alert tone="error">{error}</Alert> : null}
      {inviteToken ? (
        <Field id="email" label="Email" hint="The address the invitation was sent to.">
          <Input
            id="email"
            type="email"
            value={invitedEmail ?? ""}
            readOnly
            aria-readonly="true"
            className="bg-zinc-50 dark:bg-zinc-800"
          />
        </Field>
      ) : (
        <Field id="email" label="Email" error={errors.email?.message}>
          <Input
            id="email"
            type="email"
            autoComplete="email"
            aria-invalid={Boolean(errors.email)}
            aria-describedby={errors.email ? "email-error" : undefined}
            {...form.register("email")}
          />
        </Field>
      )}
      <Field id="name" label="Your name" error={errors.name?.message}>
        <Input
          id="name"
          autoComplete="name"
          autoFocus
          aria-invalid={Boolean(errors.name)}
          aria-describedby={errors.name ? "name-error" : undefined}
          {...form.register("name")}
        />
      </Field>
      <Field id="password" label="Password" hint="At least 10 characters." error={errors.password?.message}>
        <PasswordInput
          id="password"
          autoComplete="new-password"
          aria-invalid={Boolean(errors.password)}
          aria-describedby={errors.password ? "password-error" : undefined}
          {...form.register("password")}
        />
      </Field>
      <Button type="submit" className="w-full" pending={isSubmitting}>
        {isSubmitting ? "Creating your account…" : "Create account"}
      </Button>
    </form>
  );
}
