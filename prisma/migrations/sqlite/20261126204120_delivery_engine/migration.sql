-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN "host" TEXT;

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
    "nextRunAt" DATETIME,
    "occurrences" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Campaign" ("activatedAt", "audience", "capExempt", "createdAt", "deliveryRule", "description", "endAt", "id", "name", "startAt", "status", "updatedAt") SELECT "activatedAt", "audience", "capExempt", "createdAt", "deliveryRule", "description", "endAt", "id", "name", "startAt", "status", "updatedAt" FROM "Campaign";
DROP TABLE "Campaign";
ALTER TABLE "new_Campaign" RENAME TO "Campaign";
CREATE INDEX "Campaign_status_idx" ON "Campaign"("status");
CREATE INDEX "Campaign_status_nextRunAt_idx" ON "Campaign"("status", "nextRunAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
