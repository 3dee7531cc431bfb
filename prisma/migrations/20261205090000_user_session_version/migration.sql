-- Raising a user's sessionVersion ends every session (JWT) issued before it.
ALTER TABLE "User" ADD COLUMN "sessionVersion" INTEGER NOT NULL DEFAULT 0;
