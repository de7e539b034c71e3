-- AlterTable
ALTER TABLE "DeliveryAttempt" ADD COLUMN     "sent" BOOLEAN;

-- Attempts stored before: those with no answer and no time were read as sent nothing already
-- (lib/delivery/store/attempt-record.ts); those whose words say the request was stopped before a
-- connection was made (the SSRF guard, the port rule, a failed DNS lookup, a refused, unreachable or
-- timed-out connection, a URL that is not http(s)) did not leave either. Any other stays null: read as
-- before (it left).
UPDATE "DeliveryAttempt" SET "sent" = false
WHERE "status" IS NULL AND "durationMs" <> 0 AND (
  "error" LIKE 'destination %' OR "error" LIKE 'port % is not allowed%' OR "error" LIKE 'DNS lookup failed%'
  OR "error" LIKE 'the receiver refused the connection%' OR "error" LIKE 'could not connect within%'
  OR "error" LIKE 'the receiver''s network is unreachable%' OR "error" LIKE 'the URL is not an absolute%'
);

-- A delivery's sentAt is when its last request that left was sent (Results' "Reached"): one whose attempts
-- include one that did not leave takes the latest that did (none: null). A delivered one's last attempt left.
UPDATE "Delivery" SET "sentAt" = (
  SELECT MAX(a."startedAt") FROM "DeliveryAttempt" a
  WHERE a."deliveryId" = "Delivery"."id" AND NOT (a."status" IS NULL AND a."durationMs" = 0) AND (a."sent" IS NULL OR a."sent" <> false)
)
WHERE "state" <> 'delivered' AND "sentAt" IS NOT NULL AND EXISTS (
  SELECT 1 FROM "DeliveryAttempt" a WHERE a."deliveryId" = "Delivery"."id" AND (a."sent" = false OR (a."status" IS NULL AND a."durationMs" = 0))
);
