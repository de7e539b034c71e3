-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN "pausedAt" DATETIME;
