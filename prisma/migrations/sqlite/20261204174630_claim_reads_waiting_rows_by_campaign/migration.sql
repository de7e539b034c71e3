-- DropIndex
DROP INDEX "Delivery_campaignId_state_idx";

-- CreateIndex
CREATE INDEX "Delivery_campaignId_state_dueAt_idx" ON "Delivery"("campaignId", "state", "dueAt");
