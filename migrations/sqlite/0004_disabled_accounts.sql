-- Accounts an admin has disabled: kept, but their tokens are refused and
-- their passwords no longer sign them in.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
