-- Webhook endpoints, each with its place in the event log (every event
-- after `position` is still to be queued for it), and the deliveries owed
-- to them. `events` is a JSON array of event names, NULL for every event;
-- secrets are hex; a delivery's attempts are a JSON array; a delivery is held by the
-- instance named in `lease_owner` until `lease_until`.

CREATE TABLE webhooks (
    id              TEXT PRIMARY KEY,
    url             TEXT NOT NULL,
    events          TEXT,
    description     TEXT,
    disabled_reason TEXT,
    disabled_at     INTEGER,
    secret          TEXT NOT NULL,
    retired_secret  TEXT,
    retired_until   INTEGER,
    failing_since   INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    version         INTEGER NOT NULL,
    position        TEXT NOT NULL
) STRICT;

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    webhook_id      TEXT NOT NULL,
    event           TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        TEXT NOT NULL,
    next_attempt_at INTEGER,
    created_at      INTEGER NOT NULL,
    lease_owner     TEXT,
    lease_until     INTEGER
) STRICT;
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (webhook_id, next_attempt_at, id)
    WHERE status = 'pending';
