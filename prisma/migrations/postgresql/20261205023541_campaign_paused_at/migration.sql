-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "pausedAt" TIMESTAMP(3);
