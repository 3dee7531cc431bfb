import type { TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { recordAudit } from "@koi/core/audit";
import { enqueueViaOutbox } from "@koi/core/outbox";
import { prisma, type Prisma } from "@koi/db";
import { checkSubmissionModel } from "./check-submission-model.ts";

export function defaultWorkloadName(s: TWorkloadSubmission): string {
  const model = s.model.split("/").at(-1) ?? s.model;
  return s.kind === "batch"
    ? `${model} batch · ${s.requests.toLocaleString("en-US")} requests`
    : `${model} online · ${s.requestsPerSecond} req/s`;
}

/**
 * Records the workload and its `plan-workload` job in one transaction: the worker plans it
 * from the org's live inventory moments later. The deadline is fixed now, at submission. A model
 * neither the catalog nor the submission's `architecture` describes is refused (BAD_REQUEST) first.
 */
export async function submitWorkload(input: {
  orgId: string;
  actorUserId: string | null;
  via: "ui" | "api" | "cli";
  submission: TWorkloadSubmission;
  now?: Date;
}) {
  const { submission: s } = input;
  checkSubmissionModel(s);
  const now = input.now ?? new Date();
  return prisma.$transaction(async (tx) => {
    const workload = await tx.workload.create({
      data: {
        orgId: input.orgId,
        name: s.name ?? defaultWorkloadName(s),
        kind: s.kind,
        model: s.model,
        spec: s as unknown as Prisma.InputJsonValue,
        priority: s.priority ?? "normal",
        budgetUsd: s.budgetUsd ?? null,
        deadlineAt: s.kind === "batch" ? new Date(now.getTime() + s.deadlineHours * 3_600_000) : null,
        progressTotal: s.kind === "batch" ? s.requests : 0,
        createdById: input.actorUserId,
        submittedVia: input.via,
        createdAt: now,
      },
    });
    await enqueueViaOutbox(
      tx,
      "plan-workload",
      { workloadId: workload.id },
      { jobId: `plan-${workload.id}`, orgId: input.orgId },
    );
    await recordAudit(tx, {
      orgId: input.orgId,
      actorUserId: input.actorUserId,
      action: "workload.submitted",
      targetType: "workload",
      targetId: workload.id,
      data: { via: input.via, kind: s.kind, model: s.model },
    });
    return workload;
  });
}
