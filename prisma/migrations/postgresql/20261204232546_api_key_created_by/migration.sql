-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "createdBy" TEXT;
