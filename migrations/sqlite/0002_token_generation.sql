-- The generation of sign-in tokens an account accepts: a token carries the
-- one it was issued under, and raising it ends every older token.
ALTER TABLE users ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;
