import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { prisma } from "@koi/db";
import { createTestOrg } from "@koi/db/factories";
import { loadUsageRefusals } from "./load-usage-refusals.ts";

const BACKFILL = new URL(
  "../../../../prisma/migrations/20261207051500_usage_refusals_backfill/migration.sql",
  import.meta.url,
);

describe("the usage-refusal backfill migration", () => {
  it("tallies refusals audited one per report before the upgrade, and skips audits it cannot read", async () => {
    const org = await createTestOrg();
    const audit = (targetId: string, createdAt: string, data: object) =>
      prisma.auditEvent.create({
        data: { orgId: org.id, action: "usage.refused", targetType: "assignment", targetId, data, createdAt },
      });
    await audit("as-a", "2026-12-01T10:05:00Z", { agentId: "ag-1", refused: [{ reason: "older" }] });
    await audit("as-a", "2026-12-01T10:45:00Z", { agentId: "ag-1", refused: [{ reason: "new" }, { reason: "two" }] });
    await audit("as-a", "2026-12-01T11:01:00Z", { agentId: "ag-1", refused: [{ reason: "next hour" }] });
    await audit("as-b", "2026-12-01T10:10:00Z", { refused: [{}] });
    await audit("as-c", "2026-12-01T10:10:00Z", { agentId: "ag-1", refused: "not a list" });

    await prisma.$executeRawUnsafe(await readFile(BACKFILL, "utf8"));

    const rows = await prisma.usageRefusal.findMany({
      where: { orgId: org.id },
      orderBy: [{ assignmentId: "asc" }, { hour: "asc" }],
    });
    expect(rows.map((r) => [r.assignmentId, r.agentId, r.hour.toISOString(), r.reports, r.latestReason])).toEqual([
      ["as-a", "ag-1", "2026-12-01T10:00:00.000Z", 2, "new; two"],
      ["as-a", "ag-1", "2026-12-01T11:00:00.000Z", 1, "next hour"],
      ["as-b", "", "2026-12-01T10:00:00.000Z", 1, ""],
    ]);
    await expect(
      loadUsageRefusals(org.id, new Date("2026-12-01T00:00:00Z"), new Date("2026-12-02T00:00:00Z")),
    ).resolves.toMatchObject({ reports: 4, latest: { reason: "next hour", agent: null } });
    // Running it again changes nothing.
    await prisma.$executeRawUnsafe(await readFile(BACKFILL, "utf8"));
    expect(await prisma.usageRefusal.count({ where: { orgId: org.id } })).toBe(3);
  });
});
