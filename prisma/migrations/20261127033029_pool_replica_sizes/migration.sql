-- AlterTable
ALTER TABLE "GpuPool" ADD COLUMN     "replicaSizes" INTEGER[] DEFAULT ARRAY[]::INTEGER[];
