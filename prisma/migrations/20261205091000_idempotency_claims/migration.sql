-- A request claims its Idempotency-Key before running (a row without an answer yet), so a
-- concurrent duplicate finds the claim instead of running too.
ALTER TABLE "IdempotencyRecord" ALTER COLUMN "status" DROP NOT NULL;
ALTER TABLE "IdempotencyRecord" ALTER COLUMN "responseBody" DROP NOT NULL;
