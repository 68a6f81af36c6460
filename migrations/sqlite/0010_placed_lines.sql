-- An order's lines and address as placed, kept once either first changes
-- (an edit, an address set or corrected), as JSON
-- {"lines": [...], "shippingAddress": {...} | null}: the orderPlaced event
-- is rebuilt from the row and must still say what was placed. NULL while
-- the row's own lines and address are the placed ones.
ALTER TABLE orders ADD COLUMN placed TEXT;
