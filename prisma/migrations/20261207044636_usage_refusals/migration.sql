-- Reports whose usage Koi refused to bill, tallied per assignment and hour (record-report.ts):
-- the Costs page counts them here, and only the first refused report of an hour is audited.

-- CreateTable
CREATE TABLE "UsageRefusal" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "assignmentId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "reports" INTEGER NOT NULL,
    "latestAt" TIMESTAMP(3) NOT NULL,
    "latestReason" TEXT NOT NULL,

    CONSTRAINT "UsageRefusal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UsageRefusal_orgId_hour_idx" ON "UsageRefusal"("orgId", "hour");

-- CreateIndex
CREATE UNIQUE INDEX "UsageRefusal_assignmentId_hour_key" ON "UsageRefusal"("assignmentId", "hour");

-- AddForeignKey
ALTER TABLE "UsageRefusal" ADD CONSTRAINT "UsageRefusal_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
