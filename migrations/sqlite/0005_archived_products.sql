-- Products no longer sold: kept for the orders that name them, refused in
-- new ones, and listed apart.
ALTER TABLE products ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
