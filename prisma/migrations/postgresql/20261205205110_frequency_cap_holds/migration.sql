-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "capHeldBy" TEXT;
