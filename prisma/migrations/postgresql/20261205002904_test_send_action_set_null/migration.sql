-- DropForeignKey
ALTER TABLE "TestSend" DROP CONSTRAINT "TestSend_actionId_fkey";

-- AddForeignKey
ALTER TABLE "TestSend" ADD CONSTRAINT "TestSend_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "Action"("id") ON DELETE SET NULL ON UPDATE CASCADE;
