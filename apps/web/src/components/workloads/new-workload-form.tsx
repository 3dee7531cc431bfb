"use client";

import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import type { TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { MODELS } from "@koi/catalog";
import { Button } from "@koi/ui/button";
import { Alert, Card } from "@koi/ui/card";
import { Field, Input, Select } from "@koi/ui/field";
import { errorMessage, fieldErrorsOf } from "@/lib/trpc-errors";
import { useDebounced } from "@/lib/use-debounced";
import { useTRPC } from "@/trpc/react";
import { NoEngineNotice } from "./no-engine-notice";
import { bindingHeadline, PlanPreviewPanel } from "./plan-preview-panel";
import { DEFAULT_FORM_VALUES, MARKETS, toSubmission, type TWorkloadFormValues } from "./to-submission";

const MODEL_NAMES = [...new Set(MODELS.flatMap((m) => m.names.filter((n) => n.includes("/"))))].sort();

export function NewWorkloadForm({ slug }: { slug: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const form = useForm<TWorkloadFormValues>({ defaultValues: DEFAULT_FORM_VALUES, mode: "onChange" });
  const values = form.watch();
  const built = toSubmission(values);
  const [showErrors, setShowErrors] = useState(false);
  const submissionKey = built.ok ? JSON.stringify(built.submission) : null;
  const debouncedKey = useDebounced(submissionKey, 400);
  const preview = useQuery({
    ...trpc.workloads.preview.queryOptions(
      debouncedKey ? (JSON.parse(debouncedKey) as TWorkloadSubmission) : skipToken,
    ),
    placeholderData: (prev) => prev,
    retry: false,
  });
  // Without an online engine there is nothing to plan on: say that, not "not enough GPUs are free".
  const fleet = useQuery(trpc.fleet.list.queryOptions());
  // The fleet lists only clusters with an agent that is not offline.
  const noEngine = fleet.isSuccess && fleet.data.clusters.length === 0;
  // Koi would fail it the moment it is planned (not merely wait for busy GPUs): say so instead of
  // making a failed workload. Only on the preview of what is in the form now, not a previous one.
  const doomed =
    debouncedKey === submissionKey && !preview.isPlaceholderData && preview.data?.onSubmit === "fail"
      ? preview.data
      : null;
  const submit = useMutation(
    trpc.workloads.submit.mutationOptions({ onSuccess: (res) => router.push(`/o/${slug}/workloads/${res.id}`) }),
  );

  const kind = values.kind;
  const serverFields = fieldErrorsOf(submit.error);
  const err = (name: string) =>
    (showErrors || form.formState.dirtyFields[name as keyof TWorkloadFormValues]
      ? !built.ok
        ? built.errors[name]
        : undefined
      : undefined) ?? serverFields[name];
  const num = { valueAsNumber: true } as const;

  // A submit with mistakes (ours or the server's) takes focus to the first field in error.
  const formRef = useRef<HTMLFormElement>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (attempt) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [attempt, submit.error]);
  const onSubmit = form.handleSubmit(() => {
    setShowErrors(true);
    if (built.ok && !doomed) submit.mutate(built.submission);
    else setAttempt((n) => n + 1);
  });

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
      <Card>
        <form ref={formRef} className="space-y-5" onSubmit={onSubmit} noValidate aria-label="New workload">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id="wl-name" label="Name (optional)" error={err("name")}>
              <Input id="wl-name" placeholder="e.g. nightly eval" {...form.register("name")} />
            </Field>
            <Field
              id="wl-model"
              label="Model"
              error={err("model")}
              hint="Pick from the catalog or type a Hugging Face id."
            >
              <Input
                id="wl-model"
                list="wl-models"
                autoComplete="off"
                aria-invalid={!!err("model")}
                {...form.register("model")}
              />
              <datalist id="wl-models">
                {MODEL_NAMES.map((m) => (
                  <option key={m} value={m} />
                ))}
              </datalist>
            </Field>
          </div>

          <fieldset>
            <legend className="text-sm font-medium">Kind</legend>
            <div className="mt-2 flex gap-4">
              <label className="flex items-center gap-2 text-sm">
                <input type="radio" value="batch" {...form.register("kind")} /> Batch (Orca) — a fixed set of requests
                by a deadline
              </label>
              <label className="flex items-center gap-2 text-sm">
                <input type="radio" value="online" {...form.register("kind")} /> Online (Tuna) — live traffic with
                latency targets
              </label>
            </div>
          </fieldset>

          {kind === "batch" ? (
            <div className="grid gap-4 sm:grid-cols-2">
              <Field id="wl-requests" label="Requests" error={err("requests")}>
                <Input
                  id="wl-requests"
                  type="number"
                  min={1}
                  step={1}
                  inputMode="numeric"
                  {...form.register("requests", num)}
                />
              </Field>
              <Field id="wl-deadline" label="Deadline (hours from now)" error={err("deadlineHours")}>
                <Input id="wl-deadline" type="number" min={0.1} step="any" {...form.register("deadlineHours", num)} />
              </Field>
              <div className="sm:col-span-2">
                <Field
                  id="wl-input"
                  label="Input file"
                  hint="Where the engine reads the prompts (OpenAI batch JSONL), e.g. s3://bucket/prompts.jsonl. Orca needs it."
                  error={err("input")}
                >
                  <Input id="wl-input" placeholder="s3://bucket/prompts.jsonl" {...form.register("inputUri")} />
                </Field>
              </div>
            </div>
          ) : (
            <div className="grid gap-4 sm:grid-cols-3">
              <Field id="wl-rps" label="Requests per second" error={err("requestsPerSecond")}>
                <Input id="wl-rps" type="number" min={0} step="any" {...form.register("requestsPerSecond", num)} />
              </Field>
              <Field id="wl-ttft" label="TTFT p95 (ms)" error={err("ttftP95Ms")}>
                <Input id="wl-ttft" type="number" min={1} step="any" {...form.register("ttftP95Ms", num)} />
              </Field>
              <Field id="wl-tpot" label="TPOT p95 (ms)" error={err("tpotP95Ms")}>
                <Input id="wl-tpot" type="number" min={1} step="any" {...form.register("tpotP95Ms", num)} />
              </Field>
            </div>
          )}
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id="wl-in" label="Average input tokens" error={err("avgInputTokens")}>
              <Input id="wl-in" type="number" min={1} step={1} {...form.register("avgInputTokens", num)} />
            </Field>
            <Field id="wl-out" label="Average output tokens" error={err("avgOutputTokens")}>
              <Input id="wl-out" type="number" min={1} step={1} {...form.register("avgOutputTokens", num)} />
            </Field>
            <Field id="wl-priority" label="Priority" hint="Urgent work may pause lower-priority work that has slack.">
              <Select id="wl-priority" {...form.register("priority")}>
                <option value="low">Low</option>
                <option value="normal">Normal</option>
                <option value="high">High</option>
                <option value="urgent">Urgent</option>
              </Select>
            </Field>
            <Field
              id="wl-budget"
              label={kind === "batch" ? "Budget (USD, optional)" : "Budget (USD per hour, optional)"}
              error={err("budgetUsd")}
            >
              <Input
                id="wl-budget"
                type="number"
                min={0}
                step="any"
                placeholder="No limit"
                {...form.register("budgetUsd", num)}
              />
            </Field>
          </div>
          <fieldset aria-describedby={err("allowedMarkets") ? "wl-markets-error" : undefined}>
            <legend className="text-sm font-medium">Allowed markets</legend>
            <div className="mt-2 flex flex-wrap gap-4">
              {MARKETS.map((m) => (
                <label key={m} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    value={m}
                    aria-invalid={err("allowedMarkets") ? true : undefined}
                    {...form.register("allowedMarkets")}
                  />{" "}
                  {m}
                </label>
              ))}
            </div>
            {err("allowedMarkets") ? (
              <p id="wl-markets-error" role="alert" className="mt-1 text-xs text-danger">
                Pick at least one market.
              </p>
            ) : null}
          </fieldset>
          <div>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" aria-describedby="wl-split-hint" {...form.register("allowDisaggregation")} /> Allow
              prefill/decode on different GPUs
            </label>
            <p id="wl-split-hint" className="mt-1 text-xs text-muted-foreground">
              Koi may run prompt processing and token generation on separate replicas, even of different GPU types, when
              that is cheaper and the KV cache moves between them fast enough. Only on engines that support it.
            </p>
          </div>
          {submit.isError && !Object.keys(serverFields).length ? (
            <Alert tone="error">{errorMessage(submit.error)}</Alert>
          ) : null}
          {doomed ? (
            <p id="wl-doomed" className="text-sm text-danger">
              {bindingHeadline(doomed)}, so Koi would fail this workload as soon as it plans it. Change it until the
              preview finds a plan.
            </p>
          ) : null}
          <Button
            type="submit"
            pending={submit.isPending || submit.isSuccess}
            disabled={!!doomed}
            aria-describedby={doomed ? "wl-doomed" : undefined}
          >
            {submit.isPending || submit.isSuccess ? "Submitting…" : "Submit workload"}
          </Button>
        </form>
      </Card>
      <Card className="h-fit space-y-3 lg:sticky lg:top-4" aria-live="polite">
        <div className="flex items-center justify-between">
          <h2 className="font-medium">Plan preview</h2>
          {preview.isFetching ? <span className="text-xs text-muted-foreground">updating…</span> : null}
        </div>
        {noEngine ? (
          <NoEngineNotice slug={slug} anyAgents={(fleet.data?.offline.length ?? 0) > 0} />
        ) : !built.ok ? (
          <p className="text-sm text-muted-foreground">
            Complete the form to see which GPUs Koi would pick and what it would cost.
          </p>
        ) : preview.isPending ? (
          <p className="text-sm text-muted-foreground" aria-busy="true">
            Planning on your live inventory…
          </p>
        ) : preview.isError ? (
          <Alert tone="error">Could not plan this workload: {errorMessage(preview.error)}</Alert>
        ) : (
          <PlanPreviewPanel plan={preview.data} deadlineHours={kind === "batch" ? values.deadlineHours : undefined} />
        )}
        <p className="text-xs text-muted-foreground">
          Planned on the GPUs your agents report right now; the real plan is made the moment you submit.
        </p>
      </Card>
    </div>
  );
}
