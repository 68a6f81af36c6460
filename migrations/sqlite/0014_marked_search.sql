-- Finding customers by any part of their name or address, and orders by
-- any part of their customer's, through trigram indexes as products are
-- (0013), but not kept in the commit that makes the row: indexing there
-- cost placing a third of its pace. The store's indexer adds the rows
-- made since each index's mark in batches, and moves the mark in the
-- same transaction; a search reads the index for the rows up to the mark
-- and the rows after it directly. These rows are never deleted and the
-- fields indexed never change, and a new row's rowid is above every
-- other's, so the rows after the mark are exactly those not indexed.
-- Only which rows hold a trigram is kept (`detail = none`, no sizes): a
-- search asks for every trigram of its text, and checks each row the
-- index proposes with `instr`; that halves what indexing costs.
CREATE VIRTUAL TABLE customers_search USING fts5(
    name_key, email, content = 'customers', content_rowid = 'rowid',
    tokenize = 'trigram case_sensitive 1', detail = none, columnsize = 0
);
CREATE VIRTUAL TABLE orders_search USING fts5(
    customer_name_key, customer_email, content = 'orders', content_rowid = 'rowid',
    tokenize = 'trigram case_sensitive 1', detail = none, columnsize = 0
);
CREATE TABLE search_marks (
    name    TEXT PRIMARY KEY,
    indexed INTEGER NOT NULL
) STRICT;
INSERT INTO search_marks (name, indexed) VALUES ('customers', 0), ('orders', 0);
