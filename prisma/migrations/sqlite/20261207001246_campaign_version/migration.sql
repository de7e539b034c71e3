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
    "pausedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "nextRunAt" DATETIME,
    "occurrences" INTEGER NOT NULL DEFAULT 0,
    "goalEvent" TEXT,
    "goalWindowHours" INTEGER NOT NULL DEFAULT 168
);
INSERT INTO "new_Campaign" ("activatedAt", "audience", "capExempt", "createdAt", "deliveryRule", "description", "endAt", "goalEvent", "goalWindowHours", "id", "name", "nextRunAt", "occurrences", "pausedAt", "startAt", "status", "updatedAt") SELECT "activatedAt", "audience", "capExempt", "createdAt", "deliveryRule", "description", "endAt", "goalEvent", "goalWindowHours", "id", "name", "nextRunAt", "occurrences", "pausedAt", "startAt", "status", "updatedAt" FROM "Campaign";
DROP TABLE "Campaign";
ALTER TABLE "new_Campaign" RENAME TO "Campaign";
CREATE INDEX "Campaign_status_idx" ON "Campaign"("status");
CREATE INDEX "Campaign_status_nextRunAt_idx" ON "Campaign"("status", "nextRunAt");
CREATE INDEX "Campaign_updatedAt_id_idx" ON "Campaign"("updatedAt", "id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
