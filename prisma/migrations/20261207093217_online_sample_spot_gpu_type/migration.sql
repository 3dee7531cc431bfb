-- AlterTable
ALTER TABLE "OnlineSample" ADD COLUMN     "spotGpuType" TEXT;
