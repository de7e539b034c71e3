-- CreateTable
CREATE TABLE "ControlGroupMember" (
    "campaignId" TEXT NOT NULL,
    "actionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "triggerKey" TEXT NOT NULL,
    "assignedAt" DATETIME NOT NULL,

    PRIMARY KEY ("actionId", "userId", "triggerKey"),
    CONSTRAINT "ControlGroupMember_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ControlGroupMember_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "Action" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ControlGroupMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "UserAttributeSource" (
    "userId" TEXT NOT NULL,
    "attribute" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "actionId" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "setAt" DATETIME NOT NULL,

    PRIMARY KEY ("userId", "attribute"),
    CONSTRAINT "UserAttributeSource_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DestinationTemplate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "method" TEXT NOT NULL DEFAULT 'POST',
    "urlTemplate" TEXT NOT NULL,
    "contentType" TEXT NOT NULL DEFAULT 'application/json',
    "fields" JSONB NOT NULL,
    "headers" JSONB NOT NULL,
    "secretNote" TEXT NOT NULL DEFAULT '',
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Campaign" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'draft',
    "deliveryRule" JSONB NOT NULL,
    "audience" JSONB,
    "startAt" DATETIME,
    "endAt" DATETIME,
    "capExempt" BOOLEAN NOT NULL DEFAULT false,
    "activatedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "nextRunAt" DATETIME,
    "occurrences" INTEGER NOT NULL DEFAULT 0,
    "goalEvent" TEXT,
    "goalWindowHours" INTEGER NOT NULL DEFAULT 168
);
INSERT INTO "new_Campaign" ("activatedAt", "audience", "capExempt", "createdAt", "deliveryRule", "description", "endAt", "id", "name", "nextRunAt", "occurrences", "startAt", "status", "updatedAt") SELECT "activatedAt", "audience", "capExempt", "createdAt", "deliveryRule", "description", "endAt", "id", "name", "nextRunAt", "occurrences", "startAt", "status", "updatedAt" FROM "Campaign";
DROP TABLE "Campaign";
ALTER TABLE "new_Campaign" RENAME TO "Campaign";
CREATE INDEX "Campaign_status_idx" ON "Campaign"("status");
CREATE INDEX "Campaign_status_nextRunAt_idx" ON "Campaign"("status", "nextRunAt");
CREATE TABLE "new_Action" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "campaignId" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "name" TEXT NOT NULL DEFAULT 'Webhook',
    "method" TEXT NOT NULL DEFAULT 'POST',
    "urlTemplate" TEXT NOT NULL,
    "urlPasswordEnc" TEXT,
    "contentType" TEXT NOT NULL DEFAULT 'application/json',
    "fields" JSONB NOT NULL,
    "headers" JSONB NOT NULL,
    "signingSecretEnc" TEXT,
    "previousSigningSecretEnc" TEXT,
    "previousSecretExpiresAt" DATETIME,
    "timeoutMs" INTEGER NOT NULL DEFAULT 15000,
    "retryPolicy" TEXT NOT NULL DEFAULT 'default',
    "rateLimitPerSecond" INTEGER,
    "subDelivery" JSONB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "variantOfId" TEXT,
    "splitPercent" INTEGER NOT NULL DEFAULT 100,
    "controlPercent" INTEGER NOT NULL DEFAULT 0,
    "responseMapping" JSONB,
    "templateId" TEXT,
    CONSTRAINT "Action_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Action_variantOfId_fkey" FOREIGN KEY ("variantOfId") REFERENCES "Action" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Action" ("campaignId", "contentType", "createdAt", "fields", "headers", "id", "method", "name", "position", "previousSecretExpiresAt", "previousSigningSecretEnc", "rateLimitPerSecond", "retryPolicy", "signingSecretEnc", "subDelivery", "timeoutMs", "updatedAt", "urlPasswordEnc", "urlTemplate") SELECT "campaignId", "contentType", "createdAt", "fields", "headers", "id", "method", "name", "position", "previousSecretExpiresAt", "previousSigningSecretEnc", "rateLimitPerSecond", "retryPolicy", "signingSecretEnc", "subDelivery", "timeoutMs", "updatedAt", "urlPasswordEnc", "urlTemplate" FROM "Action";
DROP TABLE "Action";
ALTER TABLE "new_Action" RENAME TO "Action";
CREATE INDEX "Action_campaignId_position_idx" ON "Action"("campaignId", "position");
CREATE INDEX "Action_variantOfId_idx" ON "Action"("variantOfId");
CREATE TABLE "new_Delivery" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "webhookId" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "actionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "eventId" TEXT,
    "triggerKey" TEXT NOT NULL,
    "eventData" JSONB,
    "plannedAt" DATETIME NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'scheduled',
    "reason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastStatus" INTEGER,
    "lastDurationMs" INTEGER,
    "lockedBy" TEXT,
    "lockedUntil" DATETIME,
    "sentAt" DATETIME,
    "host" TEXT,
    "variant" TEXT,
    "variantActionId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Delivery_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Delivery_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "Action" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Delivery_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Delivery_variantActionId_fkey" FOREIGN KEY ("variantActionId") REFERENCES "Action" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Delivery" ("actionId", "attempts", "campaignId", "createdAt", "dueAt", "eventData", "eventId", "host", "id", "lastDurationMs", "lastStatus", "lockedBy", "lockedUntil", "plannedAt", "reason", "sentAt", "state", "triggerKey", "updatedAt", "userId", "webhookId") SELECT "actionId", "attempts", "campaignId", "createdAt", "dueAt", "eventData", "eventId", "host", "id", "lastDurationMs", "lastStatus", "lockedBy", "lockedUntil", "plannedAt", "reason", "sentAt", "state", "triggerKey", "updatedAt", "userId", "webhookId" FROM "Delivery";
DROP TABLE "Delivery";
ALTER TABLE "new_Delivery" RENAME TO "Delivery";
CREATE UNIQUE INDEX "Delivery_webhookId_key" ON "Delivery"("webhookId");
CREATE INDEX "Delivery_state_dueAt_idx" ON "Delivery"("state", "dueAt");
CREATE INDEX "Delivery_campaignId_state_idx" ON "Delivery"("campaignId", "state");
CREATE INDEX "Delivery_userId_sentAt_idx" ON "Delivery"("userId", "sentAt");
CREATE INDEX "Delivery_campaignId_actionId_variant_idx" ON "Delivery"("campaignId", "actionId", "variant");
CREATE UNIQUE INDEX "Delivery_actionId_userId_triggerKey_key" ON "Delivery"("actionId", "userId", "triggerKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ControlGroupMember_campaignId_actionId_idx" ON "ControlGroupMember"("campaignId", "actionId");

-- CreateIndex
CREATE UNIQUE INDEX "DestinationTemplate_name_key" ON "DestinationTemplate"("name");

-- CreateIndex
CREATE INDEX "Event_name_userId_time_idx" ON "Event"("name", "userId", "time");
