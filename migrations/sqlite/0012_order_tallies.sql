-- Summaries kept, not counted: the orders placed in each UTC day and each
-- hour, by status and payment, with the sums of their totals and refunds,
-- changed by every placement and revision in the same transaction. A
-- summary over a window adds whole days and hours from here and counts
-- only the part-hours at its edges (oms_rules::summary::kept).
CREATE TABLE order_tallies (
    grain TEXT NOT NULL,
    start INTEGER NOT NULL,
    status TEXT NOT NULL,
    paid INTEGER NOT NULL,
    orders INTEGER NOT NULL,
    total INTEGER NOT NULL,
    refunded INTEGER NOT NULL,
    PRIMARY KEY (grain, start, status, paid)
) STRICT, WITHOUT ROWID;

INSERT INTO order_tallies
SELECT 'day', (created_at / 86400000) * 86400000, status, payment_collected,
       count(*), sum(total), sum(refunded)
FROM orders GROUP BY 2, 3, 4;

INSERT INTO order_tallies
SELECT 'hour', (created_at / 3600000) * 3600000, status, payment_collected,
       count(*), sum(total), sum(refunded)
FROM orders GROUP BY 2, 3, 4;

-- Orders with an open return, newest first: the list filter reads this
-- index in the order it pages, instead of walking every order for the
-- few with a return.
DROP INDEX orders_open_returns;
CREATE INDEX orders_open_returns ON orders (created_at, id)
    WHERE open_return_since IS NOT NULL;
