-- Payment recorded or cleared, the address set or corrected, the staff's
-- notes: a JSON array of the shared activity record, oldest first, each
-- with who and when. Orders changed before this kept none.
ALTER TABLE orders ADD COLUMN activity TEXT NOT NULL DEFAULT '[]';
