-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_TestSend" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "actionId" TEXT,
    "campaignId" TEXT,
    "memberId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL,
    "status" INTEGER,
    "error" TEXT,
    "request" JSONB NOT NULL,
    "response" JSONB,
    "timings" JSONB,
    CONSTRAINT "TestSend_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "Action" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_TestSend" ("actionId", "campaignId", "createdAt", "error", "id", "memberId", "outcome", "request", "response", "status", "timings") SELECT "actionId", "campaignId", "createdAt", "error", "id", "memberId", "outcome", "request", "response", "status", "timings" FROM "TestSend";
DROP TABLE "TestSend";
ALTER TABLE "new_TestSend" RENAME TO "TestSend";
CREATE INDEX "TestSend_actionId_createdAt_idx" ON "TestSend"("actionId", "createdAt");
CREATE INDEX "TestSend_memberId_createdAt_idx" ON "TestSend"("memberId", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
