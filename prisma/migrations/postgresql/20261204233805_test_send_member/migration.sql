-- AlterTable
ALTER TABLE "TestSend" ADD COLUMN     "memberId" TEXT;

-- CreateIndex
CREATE INDEX "TestSend_memberId_createdAt_idx" ON "TestSend"("memberId", "createdAt");
