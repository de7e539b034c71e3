-- AlterTable (a column added in place: redefining "Campaign" would drop and copy it)
ALTER TABLE "Campaign" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;
