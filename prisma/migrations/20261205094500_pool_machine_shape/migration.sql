-- AlterTable
ALTER TABLE "GpuPool" ADD COLUMN     "shape" JSONB;
