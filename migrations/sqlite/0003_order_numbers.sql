-- Every order gets a short number people can say ("order 1042"): the
-- orders already stored are numbered from 1001 in the order they were
-- placed. The case-folded customer name is kept beside the name, as
-- products and customers keep theirs, for finding orders by it.

ALTER TABLE orders ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN customer_name_key TEXT NOT NULL DEFAULT '';

UPDATE orders
SET number = numbered.number,
    customer_name_key = oms_fold(orders.customer_name)
FROM (SELECT id, 1000 + row_number() OVER (ORDER BY created_at, id) AS number
      FROM orders) AS numbered
WHERE orders.id = numbered.id;

CREATE UNIQUE INDEX orders_by_number ON orders (number);
