-- The whole store: the catalogue, customers, users, orders, idempotency
-- keys and the order event log. Times are Unix milliseconds, money is minor
-- units, ids are hyphenated UUIDs; an order's lines and history are JSON
-- arrays in its row, read and written with it.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE products (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    price      INTEGER NOT NULL,
    stock      INTEGER NOT NULL CHECK (stock >= 0),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL
) STRICT;
CREATE INDEX products_by_name ON products (name_key, id);

CREATE TABLE customers (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    email      TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX customers_by_name ON customers (name_key, id);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE orders (
    id                TEXT PRIMARY KEY,
    customer_id       TEXT NOT NULL,
    customer_name     TEXT NOT NULL,
    customer_email    TEXT NOT NULL,
    lines             TEXT NOT NULL,
    total             INTEGER NOT NULL,
    payment_collected INTEGER NOT NULL,
    status            TEXT NOT NULL,
    history           TEXT NOT NULL,
    placed_by         TEXT NOT NULL,
    placed_by_role    TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    version           INTEGER NOT NULL
) STRICT;
CREATE INDEX orders_newest ON orders (created_at, id);
CREATE INDEX orders_by_status ON orders (status, created_at, id);
CREATE INDEX orders_by_customer ON orders (customer_id, created_at, id);
CREATE INDEX orders_by_placer ON orders (placed_by, created_at, id);

CREATE TABLE idempotency_keys (
    user_id     TEXT NOT NULL,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    order_id    TEXT NOT NULL,
    used_at     INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (used_at);

-- One row per committed change, numbered in commit order by the one
-- writer. A placement's event is the order as placed, rebuilt from the
-- order's fixed part and the payment flag recorded here. Only appending
-- indexes: a unique (order_id, version) would cost a random-page write per
-- event for a rule the ledger already keeps.
CREATE TABLE events (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT NOT NULL,
    order_id          TEXT NOT NULL,
    placed_by         TEXT NOT NULL,
    version           INTEGER NOT NULL,
    at                INTEGER NOT NULL,
    logged_at         INTEGER NOT NULL,
    from_status       TEXT,
    to_status         TEXT,
    by_user           TEXT,
    by_role           TEXT,
    payment_collected INTEGER NOT NULL
) STRICT;
CREATE INDEX events_by_age ON events (logged_at);
