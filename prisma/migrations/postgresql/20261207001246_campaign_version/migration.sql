-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;
