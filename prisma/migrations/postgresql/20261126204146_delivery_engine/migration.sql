-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "nextRunAt" TIMESTAMP(3),
ADD COLUMN     "occurrences" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "host" TEXT;

-- CreateIndex
CREATE INDEX "Campaign_status_nextRunAt_idx" ON "Campaign"("status", "nextRunAt");
