-- AlterTable
ALTER TABLE "Command" ADD COLUMN     "traceparent" TEXT;

-- AlterTable
ALTER TABLE "OutboxEvent" ADD COLUMN     "traceparent" TEXT;
