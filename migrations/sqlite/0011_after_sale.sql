-- What lists and the summary ask of returns and refunds, kept beside the
-- order by every revision: the sum of its refunds, and when its oldest
-- return still open (asked for, neither received nor rejected) was asked
-- for, NULL when none is. Orders changed before this are filled in from
-- their activity.
ALTER TABLE orders ADD COLUMN refunded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN open_return_since INTEGER;

UPDATE orders SET refunded = (
    SELECT coalesce(sum(json_extract(a.value, '$.refund.amount')), 0)
    FROM json_each(orders.activity) AS a
    WHERE json_extract(a.value, '$.kind') = 'refund'
)
WHERE instr(activity, '"refund"') > 0;

UPDATE orders SET open_return_since = (
    SELECT min(json_extract(asked.value, '$.at'))
    FROM json_each(orders.activity) AS asked
    WHERE json_extract(asked.value, '$.kind') = 'returnRequested'
      AND NOT EXISTS (
          SELECT 1 FROM json_each(orders.activity) AS decided
          WHERE json_extract(decided.value, '$.kind') IN ('returnReceived', 'returnRejected')
            AND json_extract(decided.value, '$.return.id')
                = json_extract(asked.value, '$.return.id')
      )
)
WHERE instr(activity, '"returnRequested"') > 0;

-- The returns queue: only orders awaiting a return are in this index.
CREATE INDEX orders_open_returns ON orders (open_return_since)
    WHERE open_return_since IS NOT NULL;
