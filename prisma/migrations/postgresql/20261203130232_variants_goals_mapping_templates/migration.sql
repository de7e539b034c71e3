-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "goalEvent" TEXT,
ADD COLUMN     "goalWindowHours" INTEGER NOT NULL DEFAULT 168;

-- AlterTable
ALTER TABLE "Action" ADD COLUMN     "controlPercent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "responseMapping" JSONB,
ADD COLUMN     "splitPercent" INTEGER NOT NULL DEFAULT 100,
ADD COLUMN     "templateId" TEXT,
ADD COLUMN     "variantOfId" TEXT;

-- AlterTable
ALTER TABLE "Delivery" ADD COLUMN     "variant" TEXT,
ADD COLUMN     "variantActionId" TEXT;

-- CreateTable
CREATE TABLE "ControlGroupMember" (
    "campaignId" TEXT NOT NULL,
    "actionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "triggerKey" TEXT NOT NULL,
    "assignedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ControlGroupMember_pkey" PRIMARY KEY ("actionId","userId","triggerKey")
);

-- CreateTable
CREATE TABLE "UserAttributeSource" (
    "userId" TEXT NOT NULL,
    "attribute" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "actionId" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "setAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UserAttributeSource_pkey" PRIMARY KEY ("userId","attribute")
);

-- CreateTable
CREATE TABLE "DestinationTemplate" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "method" TEXT NOT NULL DEFAULT 'POST',
    "urlTemplate" TEXT NOT NULL,
    "contentType" TEXT NOT NULL DEFAULT 'application/json',
    "fields" JSONB NOT NULL,
    "headers" JSONB NOT NULL,
    "secretNote" TEXT NOT NULL DEFAULT '',
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DestinationTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ControlGroupMember_campaignId_actionId_idx" ON "ControlGroupMember"("campaignId", "actionId");

-- CreateIndex
CREATE UNIQUE INDEX "DestinationTemplate_name_key" ON "DestinationTemplate"("name");

-- CreateIndex
CREATE INDEX "Action_variantOfId_idx" ON "Action"("variantOfId");

-- CreateIndex
CREATE INDEX "Event_name_userId_time_idx" ON "Event"("name", "userId", "time");

-- CreateIndex
CREATE INDEX "Delivery_campaignId_actionId_variant_idx" ON "Delivery"("campaignId", "actionId", "variant");

-- AddForeignKey
ALTER TABLE "Action" ADD CONSTRAINT "Action_variantOfId_fkey" FOREIGN KEY ("variantOfId") REFERENCES "Action"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_variantActionId_fkey" FOREIGN KEY ("variantActionId") REFERENCES "Action"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ControlGroupMember" ADD CONSTRAINT "ControlGroupMember_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ControlGroupMember" ADD CONSTRAINT "ControlGroupMember_actionId_fkey" FOREIGN KEY ("actionId") REFERENCES "Action"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ControlGroupMember" ADD CONSTRAINT "ControlGroupMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserAttributeSource" ADD CONSTRAINT "UserAttributeSource_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
