-- Written by hand: Prisma's data model has no partial or expression index (see Delivery in
-- prisma/models.prisma). Activity's window, read by outcome time: only rows in an outcome state
-- (OUTCOME_STATES, in its order: the query's IN list must be the same text for SQLite to use it),
-- so a result adds one entry, a retry's claim takes it out, a fan-out and a first claim write none.
-- State first: without statistics SQLite prefers (state, dueAt) to a range alone.
-- CreateIndex
CREATE INDEX "Delivery_outcome_time_idx" ON "Delivery"("state", COALESCE("sentAt", "updatedAt")) WHERE "state" IN ('delivered', 'retrying', 'failed', 'suppressed');
