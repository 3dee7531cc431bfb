"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { ZCreateApiKeyInput } from "@koi/auth/api-keys/api-key.schema";
import { Button } from "@koi/ui/button";
import { Alert } from "@koi/ui/card";
import { Field, Input, Select } from "@koi/ui/field";
import { errorMessage, fieldErrorsOf } from "@/lib/trpc-errors";
import { useTRPC } from "@/trpc/react";
import { NewSecretNotice } from "./new-secret-notice";

type TForm = z.input<typeof ZCreateApiKeyInput>;

const scopeHelp: Record<string, string> = {
  engine: "agents: register, heartbeat, commands, reports",
  "workloads:read": "read workloads",
  "workloads:write": "submit and cancel workloads",
  admin: "everything",
};

export function CreateApiKeyForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<string | null>(null);
  const form = useForm<TForm>({
    resolver: zodResolver(ZCreateApiKeyInput),
    defaultValues: { name: "", scopes: ["engine"], expiresInDays: null },
  });
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: async (res) => {
        setSecret(res.secret);
        form.reset({ name: "", scopes: ["engine"], expiresInDays: null });
        await queryClient.invalidateQueries(trpc.apiKeys.list.queryFilter());
      },
    }),
  );
  const serverFields = fieldErrorsOf(create.error);
  const errors = form.formState.errors;
  return (
    <div className="space-y-4">
      {secret ? <NewSecretNotice secret={secret} /> : null}
      <form
        method="post"
        className="grid gap-4 sm:grid-cols-2"
        onSubmit={form.handleSubmit((v) => create.mutate(v as z.output<typeof ZCreateApiKeyInput>))}
        noValidate
      >
        <Field id="key-name" label="Name" error={errors.name?.message ?? serverFields.name}>
          <Input
            id="key-name"
            placeholder="e.g. orca-us-east agent"
            aria-invalid={!!errors.name}
            {...form.register("name")}
          />
        </Field>
        <Field id="key-expiry" label="Expires">
          <Select
            id="key-expiry"
            {...form.register("expiresInDays", { setValueAs: (v) => (v === "" || v === null ? null : Number(v)) })}
          >
            <option value="">Never</option>
            <option value="30">In 30 days</option>
            <option value="90">In 90 days</option>
            <option value="365">In a year</option>
          </Select>
        </Field>
        <fieldset className="sm:col-span-2" aria-describedby={errors.scopes?.message ? "key-scopes-error" : undefined}>
          <legend className="text-sm font-medium">Scopes</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {Object.entries(scopeHelp).map(([scope, help]) => (
              <label key={scope} className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  value={scope}
                  className="mt-1"
                  aria-invalid={errors.scopes ? true : undefined}
                  {...form.register("scopes")}
                />
                <span>
                  <span className="font-mono">{scope}</span> <span className="text-muted-foreground">— {help}</span>
                </span>
              </label>
            ))}
          </div>
          {errors.scopes?.message ? (
            <p id="key-scopes-error" role="alert" className="mt-1 text-xs text-danger">
              {errors.scopes.message}
            </p>
          ) : null}
        </fieldset>
        <div className="sm:col-span-2">
          <Button type="submit" pending={create.isPending}>
            {create.isPending ? "Creating…" : "Create API key"}
          </Button>
        </div>
        {create.isError && !Object.keys(serverFields).length ? (
          <div className="sm:col-span-2">
            <Alert tone="error">{errorMessage(create.error)}</Alert>
          </div>
        ) : null}
      </form>
    </div>
  );
}
