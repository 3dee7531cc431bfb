"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { isTRPCClientError } from "@trpc/client";
import { Clock, LoaderCircle, MailCheck } from "lucide-react";
import { useState, useSyncExternalStore } from "react";
import { useForm, type Path } from "react-hook-form";
import {
  fleetSizeOptions,
  workloadTypeOptions,
  ZJoinWaitlistInput,
  type TJoinWaitlistInput,
  type TJoinWaitlistValues,
} from "@koi/services/waitlist/join-waitlist.schema";
import { Alert } from "@koi/ui/card";
import { Button } from "@koi/ui/button";
import { Field, Input, Select } from "@koi/ui/field";
import { useTRPC } from "@/trpc/react";
import { describeRetry } from "./describe-retry";
import { useFocusOnMount } from "@/lib/use-focus-on-mount";

type TFormState =
  | { kind: "editing" }
  | { kind: "joined"; email: string }
  | { kind: "rate-limited"; retryAt: Date }
  | { kind: "failed"; requestId?: string };

const fieldNames = [
  "email",
  "name",
  "company",
  "fleetSize",
  "workloadType",
] as const satisfies readonly Path<TJoinWaitlistInput>[];
const isFieldName = (key: string): key is (typeof fieldNames)[number] =>
  (fieldNames as readonly string[]).includes(key);

// False on the server and during hydration: until React handles submit, the button stays disabled,
// so an early click cannot fall back to a native submit that would put the details in a URL.
const noSubscription = () => () => {};
const useHydrated = () =>
  useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );

export function WaitlistForm() {
  const trpc = useTRPC();
  const [state, setState] = useState<TFormState>({ kind: "editing" });
  const hydrated = useHydrated();
  const form = useForm<TJoinWaitlistInput, unknown, TJoinWaitlistValues>({
    resolver: zodResolver(ZJoinWaitlistInput),
    defaultValues: {
      email: "",
      name: "",
      company: "",
      fleetSize: "" as TJoinWaitlistInput["fleetSize"],
      workloadType: undefined,
    },
  });
  const { errors } = form.formState;

  const join = useMutation(
    trpc.waitlist.join.mutationOptions({
      onSuccess: (_data, values) => setState({ kind: "joined", email: values.email }),
      onError: (err) => {
        const data = isTRPCClientError(err) ? err.data : undefined;
        if (data?.code === "TOO_MANY_REQUESTS") {
          setState({ kind: "rate-limited", retryAt: new Date(Date.now() + (data.retryAfterSeconds ?? 3600) * 1000) });
          return;
        }
        const serverFields = Object.entries(data?.fieldErrors ?? {}).filter(([key]) => isFieldName(key));
        if (serverFields.length > 0) {
          setState({ kind: "editing" });
          for (const [key, message] of serverFields)
            if (isFieldName(key)) form.setError(key, { type: "server", message: String(message) });
          return;
        }
        setState({ kind: "failed", requestId: data?.requestId });
      },
    }),
  );

  if (state.kind === "joined") return <JoinedNotice email={state.email} />;

  const describedBy = (name: string) => (errors[name as keyof typeof errors] ? `waitlist-${name}-error` : undefined);
  const onSubmit = form.handleSubmit((values) => join.mutate(values));

  return (
    <form noValidate method="post" onSubmit={onSubmit} aria-label="Join the waitlist" className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="waitlist-email" label="Work email" error={errors.email?.message}>
          <Input
            id="waitlist-email"
            type="email"
            autoComplete="email"
            aria-invalid={!!errors.email}
            aria-describedby={describedBy("email")}
            {...form.register("email")}
          />
        </Field>
        <Field id="waitlist-name" label="Name" error={errors.name?.message}>
          <Input
            id="waitlist-name"
            autoComplete="name"
            aria-invalid={!!errors.name}
            aria-describedby={describedBy("name")}
            {...form.register("name")}
          />
        </Field>
        <Field id="waitlist-company" label="Company" error={errors.company?.message}>
          <Input
            id="waitlist-company"
            autoComplete="organization"
            aria-invalid={!!errors.company}
            aria-describedby={describedBy("company")}
            {...form.register("company")}
          />
        </Field>
        <Field id="waitlist-fleetSize" label="GPU fleet size" error={errors.fleetSize?.message}>
          <Select
            id="waitlist-fleetSize"
            aria-invalid={!!errors.fleetSize}
            aria-describedby={describedBy("fleetSize")}
            {...form.register("fleetSize")}
          >
            <option value="" disabled>
              Choose…
            </option>
            {fleetSizeOptions.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        </Field>
      </div>

      <fieldset aria-invalid={!!errors.workloadType} aria-describedby={describedBy("workloadType")}>
        <legend className="text-sm font-medium">Workload type</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-3">
          {workloadTypeOptions.map((o) => (
            <label
              key={o.value}
              className="flex cursor-pointer items-center gap-2 rounded-md border border-zinc-300 px-3 py-2 text-sm has-checked:border-brand-500 has-checked:bg-brand-50 dark:border-zinc-700 dark:has-checked:bg-brand-500/10"
            >
              <input type="radio" value={o.value} className="accent-brand-600" {...form.register("workloadType")} />
              {o.label}
            </label>
          ))}
        </div>
        {errors.workloadType?.message ? (
          <p id="waitlist-workloadType-error" role="alert" className="mt-1 text-xs text-danger">
            {errors.workloadType.message}
          </p>
        ) : null}
      </fieldset>

      {state.kind === "rate-limited" ? (
        <Alert tone="error">
          <span className="flex items-start gap-2">
            <Clock aria-hidden className="mt-0.5 size-4 shrink-0" />
            <span>Too many sign-ups from your network. {describeRetry(state.retryAt)}</span>
          </span>
        </Alert>
      ) : null}
      {state.kind === "failed" ? (
        <Alert tone="error">
          Something went wrong on our side and your details were not saved. Please try again in a minute.
          {state.requestId ? <span className="block text-xs opacity-75">Reference: {state.requestId}</span> : null}
        </Alert>
      ) : null}

      <Button type="submit" disabled={!hydrated} pending={join.isPending} className="w-full sm:w-auto">
        {join.isPending ? <LoaderCircle aria-hidden className="size-4 animate-spin" /> : null}
        {join.isPending ? "Joining…" : "Join the waitlist"}
      </Button>
      <p className="text-xs text-muted-foreground">
        We use your details only to get in touch about Koi access. One email to confirm; no newsletter.
      </p>
    </form>
  );
}

/** Replaces the form once joined, and takes the focus the submit button had. */
function JoinedNotice({ email }: { email: string }) {
  const ref = useFocusOnMount<HTMLDivElement>();
  return (
    <div
      ref={ref}
      tabIndex={-1}
      role="status"
      className="rounded-xl border border-emerald-200 bg-emerald-50 p-6 text-emerald-950 outline-none dark:border-emerald-900 dark:bg-emerald-950/40 dark:text-emerald-100"
    >
      <MailCheck aria-hidden className="size-8 text-emerald-700 dark:text-emerald-400" />
      <h3 className="mt-3 text-lg font-semibold">Check your inbox to confirm</h3>
      <p className="mt-1 text-sm">
        We sent a link to <strong>{email}</strong>. Open it to confirm your address and keep your place in line. If
        nothing arrives in a few minutes, look in your spam folder.
      </p>
    </div>
  );
}
