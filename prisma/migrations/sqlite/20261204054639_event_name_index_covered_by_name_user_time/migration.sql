-- DropIndex
DROP INDEX "Event_name_idx";
