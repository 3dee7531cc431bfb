-- What Koi refused to bill in a report, kept so that a replay of it gets the same answer
-- (record-report.ts). Reports before this migration replay without it.

-- AlterTable
ALTER TABLE "AssignmentReport" ADD COLUMN "usageRefused" JSONB;
