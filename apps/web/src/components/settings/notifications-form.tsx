"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { ZNotificationSettingsInput } from "@koi/services/notifications/notifications.schema";
import { Button } from "@koi/ui/button";
import { Alert } from "@koi/ui/card";
import { Field, Input } from "@koi/ui/field";
import { RelativeTime } from "@/components/relative-time";
import { errorMessage, fieldErrorsOf } from "@/lib/trpc-errors";
import { useTRPC } from "@/trpc/react";

type TForm = z.input<typeof ZNotificationSettingsInput>;

/** Where Koi sends "SLO at risk" and "over budget" alerts. Only admins can change it. */
export function NotificationsForm({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const q = useQuery(trpc.notifications.get.queryOptions());
  const form = useForm<TForm>({
    resolver: zodResolver(ZNotificationSettingsInput),
    defaultValues: { webhookUrl: "", email: "", sloAtRisk: true, budget: true },
  });
  const { reset } = form;
  useEffect(() => {
    if (q.data)
      reset({
        webhookUrl: q.data.webhookUrl ?? "",
        email: q.data.email ?? "",
        sloAtRisk: q.data.sloAtRisk,
        budget: q.data.budget,
      });
  }, [q.data, reset]);
  const save = useMutation(
    trpc.notifications.set.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.notifications.get.queryFilter());
      },
    }),
  );
  if (q.isPending)
    return (
      <p className="text-sm text-muted-foreground" aria-busy="true">
        Loading notification settings…
      </p>
    );
  if (q.isError) return <Alert tone="error">Could not load notification settings: {q.error.message}</Alert>;
  const errors = form.formState.errors;
  const server = fieldErrorsOf(save.error);
  // As saved, not as typed: the worker skips alerts with nowhere to go, and a fresh org has none.
  const nowhere = !q.data.webhookUrl && !q.data.email && (q.data.sloAtRisk || q.data.budget);
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={form.handleSubmit((v) => save.mutate(v as z.output<typeof ZNotificationSettingsInput>))}
    >
      {nowhere ? (
        <Alert>
          Alerts are on but go nowhere: add a webhook URL or an email, or Koi sends no alert. Workloads at risk still
          show on their pages and in the overview.
        </Alert>
      ) : null}
      <fieldset disabled={!canEdit} className="space-y-4">
        <Field
          id="notify-webhook"
          label="Webhook URL"
          error={errors.webhookUrl?.message ?? server.webhookUrl}
          hint="Koi POSTs a JSON event here. https:// only (http://localhost for development). Leave empty for none."
        >
          <Input
            id="notify-webhook"
            type="url"
            placeholder="https://hooks.example.com/koi"
            aria-invalid={!!errors.webhookUrl}
            {...form.register("webhookUrl")}
          />
        </Field>
        <Field
          id="notify-email"
          label="Email"
          error={errors.email?.message ?? server.email}
          hint="Leave empty for none."
        >
          <Input
            id="notify-email"
            type="email"
            placeholder="oncall@example.com"
            aria-invalid={!!errors.email}
            {...form.register("email")}
          />
        </Field>
        <fieldset>
          <legend className="text-sm font-medium">Send an alert when</legend>
          <label className="mt-2 flex items-center gap-2 text-sm">
            <input type="checkbox" {...form.register("sloAtRisk")} /> a workload's deadline is at risk
          </label>
          <label className="mt-1 flex items-center gap-2 text-sm">
            <input type="checkbox" {...form.register("budget")} /> a workload's spend passes its budget
          </label>
        </fieldset>
        {canEdit ? (
          <Button type="submit" pending={save.isPending}>
            {save.isPending ? "Saving…" : "Save"}
          </Button>
        ) : (
          <p className="text-sm text-muted-foreground">Only admins and owners can change where alerts go.</p>
        )}
      </fieldset>
      {save.isSuccess && !form.formState.isDirty ? <Alert tone="success">Saved.</Alert> : null}
      {save.isError && !Object.keys(server).length ? <Alert tone="error">{errorMessage(save.error)}</Alert> : null}
      {q.data.updatedAt ? (
        <p className="text-xs text-muted-foreground">
          Last changed <RelativeTime date={q.data.updatedAt} />
        </p>
      ) : null}
    </form>
  );
}
