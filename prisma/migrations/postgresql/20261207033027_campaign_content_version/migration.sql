-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN "contentVersion" INTEGER NOT NULL DEFAULT 1;
-- until now every save of the name, description or webhooks moved "version", and nothing else did
UPDATE "Campaign" SET "contentVersion" = "version";
