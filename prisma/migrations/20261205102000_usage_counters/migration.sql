-- Usage deltas are taken against the highest cumulative figure seen per component in the epoch,
-- so a report that leaves a component out does not make the next one count it from zero.
ALTER TABLE "Assignment" ADD COLUMN "usageCounters" JSONB NOT NULL DEFAULT '{}';
