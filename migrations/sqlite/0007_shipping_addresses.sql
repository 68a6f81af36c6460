-- Where an order goes, when the placer said: the address as JSON (the
-- record every store shares), NULL for none.
ALTER TABLE orders ADD COLUMN shipping_address TEXT;
