-- Written by hand: Prisma's data model has no partial or expression index (see Delivery in
-- prisma/models.prisma). Activity's window, read by outcome time: only rows in an outcome state
-- (OUTCOME_STATES), so a result adds one entry, a retry's claim takes it out, a fan-out and a first
-- claim write none. The time alone: PostgreSQL drops the state condition the predicate implies and
-- would walk the whole index below a leading state column.
-- CreateIndex
CREATE INDEX "Delivery_outcome_time_idx" ON "Delivery"((COALESCE("sentAt", "updatedAt"))) WHERE "state" IN ('delivered', 'retrying', 'failed', 'suppressed');
