-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN "host" TEXT;

-- AlterTable (written by hand: ADD COLUMN keeps the rows; a redefinition would cascade-delete actions)
ALTER TABLE "Campaign" ADD COLUMN "nextRunAt" DATETIME;
ALTER TABLE "Campaign" ADD COLUMN "occurrences" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "Campaign_status_nextRunAt_idx" ON "Campaign"("status", "nextRunAt");
