-- AlterTable
ALTER TABLE "Workload" ADD COLUMN     "scaling" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "OnlineSample" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "workloadId" TEXT NOT NULL,
    "assignmentId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "engineAt" TIMESTAMP(3) NOT NULL,
    "intervalSeconds" DOUBLE PRECISION NOT NULL,
    "requestsPerSecond" DOUBLE PRECISION NOT NULL,
    "inputTokensPerSecond" DOUBLE PRECISION NOT NULL,
    "outputTokensPerSecond" DOUBLE PRECISION NOT NULL,
    "ttftP95Ms" DOUBLE PRECISION,
    "tpotP95Ms" DOUBLE PRECISION,
    "e2eP95Ms" DOUBLE PRECISION,
    "running" DOUBLE PRECISION NOT NULL,
    "waiting" DOUBLE PRECISION NOT NULL,
    "kvCacheUsage" DOUBLE PRECISION,
    "pctSpot" DOUBLE PRECISION NOT NULL,
    "rejected" DOUBLE PRECISION NOT NULL,
    "spotReplicas" INTEGER,
    "serverlessConcurrency" INTEGER,
    "costPerHour" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OnlineSample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "OnlineSample_orgId_workloadId_engineAt_idx" ON "OnlineSample"("orgId", "workloadId", "engineAt");

-- CreateIndex
CREATE UNIQUE INDEX "OnlineSample_assignmentId_engineAt_key" ON "OnlineSample"("assignmentId", "engineAt");

-- AddForeignKey
ALTER TABLE "OnlineSample" ADD CONSTRAINT "OnlineSample_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OnlineSample" ADD CONSTRAINT "OnlineSample_workloadId_fkey" FOREIGN KEY ("workloadId") REFERENCES "Workload"("id") ON DELETE CASCADE ON UPDATE CASCADE;
