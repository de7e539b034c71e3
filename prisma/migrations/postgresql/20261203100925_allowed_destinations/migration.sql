-- CreateTable
CREATE TABLE "AllowedDestination" (
    "id" TEXT NOT NULL,
    "entry" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AllowedDestination_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AllowedDestination_entry_key" ON "AllowedDestination"("entry");
