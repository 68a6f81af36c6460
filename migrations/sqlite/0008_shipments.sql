-- The parcels an order left in: a JSON array of the shared shipment
-- record, first first; orders shipped before this kept none and count
-- every unit as shipped.
ALTER TABLE orders ADD COLUMN shipments TEXT NOT NULL DEFAULT '[]';
-- What an event says beyond its columns, as JSON: the shipment an
-- `orderShipped` sent, the shipment numbers an `orderShipmentDelivered`
-- marked; NULL for the older kinds.
ALTER TABLE events ADD COLUMN detail TEXT;
