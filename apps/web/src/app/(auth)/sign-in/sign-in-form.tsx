"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { signInWithPassword } from "@/actions/sign-in-with-password";
import { ZSignInInput } from "@/actions/sign-in.schema";
import { PasswordInput } from "@/components/auth/password-field";
import { Alert } from "@koi/ui/card";
import { Button } from "@koi/ui/button";
import { Field, Input } from "@koi/ui/field";

export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const [error, setError] = useState<string | null>(initialError ?? null);
  const form = useForm<z.input<typeof ZSignInInput>, unknown, z.output<typeof ZSignInInput>>({
    resolver: zodResolver(ZSignInInput),
    defaultValues: { email: "", password: "", callbackUrl },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const result = await signInWithPassword(values);
    if (result) setError(result.error);
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      {error ? <Alert tone="error">{error}</Alert> : null}
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
      <Field id="password" label="Password" error={errors.password?.message}>
        <PasswordInput
          id="password"
          autoComplete="current-password"
          aria-invalid={Boolean(errors.password)}
          aria-describedby={errors.password ? "password-error" : undefined}
          {...form.register("password")}
        />
      </Field>
      <Button type="submit" className="w-full" pending={isSubmitting}>
        {isSubmitting ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
