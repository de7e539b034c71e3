-- DropForeignKey
ALTER TABLE "UserAttributeSource" DROP CONSTRAINT "UserAttributeSource_userId_fkey";

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "attributeSources" JSONB;

-- Who set each attribute moves onto the user row: { attribute: [campaignId, actionId, deliveryId, setAt] }
-- (lib/audience/attribute-sources.ts); setAt as ISO text in UTC (timestamp(3) holds UTC without a zone)
UPDATE "User" AS u SET "attributeSources" = s."sources"
FROM (
    SELECT "userId", jsonb_object_agg("attribute", jsonb_build_array(
        "campaignId",
        "actionId",
        "deliveryId",
        to_char("setAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))) AS "sources"
    FROM "UserAttributeSource" GROUP BY "userId"
) AS s
WHERE u."id" = s."userId";

-- DropTable
DROP TABLE "UserAttributeSource";
