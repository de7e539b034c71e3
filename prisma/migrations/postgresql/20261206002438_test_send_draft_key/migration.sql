-- AlterTable
ALTER TABLE "TestSend" ADD COLUMN     "draftKey" TEXT;
