-- AlterTable
ALTER TABLE "User" ADD COLUMN "attributeSources" JSONB;

-- Who set each attribute moves onto the user row: { attribute: [campaignId, actionId, deliveryId, setAt] }
-- (lib/audience/attribute-sources.ts); setAt as ISO text in UTC, whether the row held it as text or epoch ms
UPDATE "User" SET "attributeSources" = (
    SELECT json_group_object(s."attribute", json_array(
        s."campaignId",
        s."actionId",
        s."deliveryId",
        CASE WHEN typeof(s."setAt") IN ('integer', 'real')
            THEN strftime('%Y-%m-%dT%H:%M:%fZ', s."setAt" / 1000.0, 'unixepoch')
            ELSE strftime('%Y-%m-%dT%H:%M:%fZ', s."setAt") END))
    FROM "UserAttributeSource" s WHERE s."userId" = "User"."id")
WHERE "id" IN (SELECT "userId" FROM "UserAttributeSource");

-- DropTable
PRAGMA foreign_keys=off;
DROP TABLE "UserAttributeSource";
PRAGMA foreign_keys=on;
