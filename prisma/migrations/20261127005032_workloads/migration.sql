-- CreateEnum
CREATE TYPE "WorkloadStatus" AS ENUM ('PENDING', 'PLANNING', 'DISPATCHING', 'RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "WorkloadHealth" AS ENUM ('UNKNOWN', 'ON_TRACK', 'AT_RISK', 'LATE');

-- AlterTable
ALTER TABLE "Assignment" DROP COLUMN "workloadRef",
ADD COLUMN     "decisionId" TEXT,
ADD COLUMN     "placement" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "workloadId" TEXT;

-- CreateTable
CREATE TABLE "Workload" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "priority" TEXT NOT NULL DEFAULT 'normal',
    "budgetUsd" DOUBLE PRECISION,
    "status" "WorkloadStatus" NOT NULL DEFAULT 'PENDING',
    "health" "WorkloadHealth" NOT NULL DEFAULT 'UNKNOWN',
    "engine" TEXT,
    "deadlineAt" TIMESTAMP(3),
    "progressDone" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "progressTotal" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "predictedCostUsd" DOUBLE PRECISION,
    "forecast" JSONB NOT NULL DEFAULT '{}',
    "statusDetail" TEXT,
    "createdById" TEXT,
    "submittedVia" TEXT NOT NULL DEFAULT 'ui',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "Workload_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Decision" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "workloadId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "inputs" JSONB NOT NULL,
    "plan" JSONB NOT NULL,
    "alternatives" JSONB NOT NULL DEFAULT '[]',
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Decision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ForecastPoint" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "workloadId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "completed" DOUBLE PRECISION NOT NULL,
    "total" DOUBLE PRECISION NOT NULL,
    "p10" TIMESTAMP(3),
    "p50" TIMESTAMP(3),
    "p90" TIMESTAMP(3),
    "missProbability" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ForecastPoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalibrationFactor" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "gpuType" TEXT NOT NULL,
    "tp" INTEGER NOT NULL,
    "state" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CalibrationFactor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PriceOverride" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "gpuType" TEXT NOT NULL,
    "market" TEXT NOT NULL,
    "pricePerGpuHour" DOUBLE PRECISION NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PriceOverride_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationSetting" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "webhookUrl" TEXT,
    "email" TEXT,
    "sloAtRisk" BOOLEAN NOT NULL DEFAULT true,
    "budget" BOOLEAN NOT NULL DEFAULT true,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotificationSetting_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Workload_orgId_status_createdAt_idx" ON "Workload"("orgId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Workload_status_updatedAt_idx" ON "Workload"("status", "updatedAt");

-- CreateIndex
CREATE INDEX "Decision_orgId_workloadId_createdAt_idx" ON "Decision"("orgId", "workloadId", "createdAt");

-- CreateIndex
CREATE INDEX "ForecastPoint_orgId_workloadId_at_idx" ON "ForecastPoint"("orgId", "workloadId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "CalibrationFactor_orgId_model_gpuType_tp_key" ON "CalibrationFactor"("orgId", "model", "gpuType", "tp");

-- CreateIndex
CREATE UNIQUE INDEX "PriceOverride_orgId_gpuType_market_key" ON "PriceOverride"("orgId", "gpuType", "market");

-- CreateIndex
CREATE UNIQUE INDEX "NotificationSetting_orgId_key" ON "NotificationSetting"("orgId");

-- CreateIndex
CREATE INDEX "Assignment_orgId_workloadId_idx" ON "Assignment"("orgId", "workloadId");

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_workloadId_fkey" FOREIGN KEY ("workloadId") REFERENCES "Workload"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Workload" ADD CONSTRAINT "Workload_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Decision" ADD CONSTRAINT "Decision_workloadId_fkey" FOREIGN KEY ("workloadId") REFERENCES "Workload"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForecastPoint" ADD CONSTRAINT "ForecastPoint_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ForecastPoint" ADD CONSTRAINT "ForecastPoint_workloadId_fkey" FOREIGN KEY ("workloadId") REFERENCES "Workload"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalibrationFactor" ADD CONSTRAINT "CalibrationFactor_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PriceOverride" ADD CONSTRAINT "PriceOverride_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotificationSetting" ADD CONSTRAINT "NotificationSetting_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
