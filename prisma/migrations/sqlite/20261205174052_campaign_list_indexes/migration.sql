-- CreateIndex
CREATE INDEX "Campaign_updatedAt_id_idx" ON "Campaign"("updatedAt", "id");

-- Written by hand: Prisma's data model has no partial index (see Delivery in prisma/models.prisma).
-- The campaign list's last send, MAX("sentAt") of one campaign, is the last entry of its range here
-- (campaigns/campaign-overview.ts); read through the campaign's other indexes it was every delivery of
-- the page's campaigns (50 campaigns of 200,000 deliveries: 600 ms on SQLite, 30-200 ms on PostgreSQL).
-- Only rows attempted at least once: a fan-out and a first claim write no entry.
-- CreateIndex
CREATE INDEX "Delivery_campaign_sent_idx" ON "Delivery"("campaignId", "sentAt") WHERE "sentAt" IS NOT NULL;
