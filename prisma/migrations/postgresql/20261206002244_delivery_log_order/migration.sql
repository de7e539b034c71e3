-- CreateIndex
CREATE INDEX "Delivery_updatedAt_id_idx" ON "Delivery"("updatedAt" DESC, "id");

-- CreateIndex
CREATE INDEX "Delivery_campaignId_updatedAt_id_idx" ON "Delivery"("campaignId", "updatedAt" DESC, "id");
