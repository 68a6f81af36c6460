-- Finding products and customers by any part of their name (or address)
-- through a trigram index instead of reading every row: FTS5 tables over
-- the case-folded name (and the address), kept by triggers. Matching is
-- case-sensitive on the already case-folded text, so a search finds
-- exactly what `instr` finds; the query checks `instr` again on what the
-- index proposes.
CREATE VIRTUAL TABLE products_search USING fts5(
    name_key, content = 'products', content_rowid = 'rowid',
    tokenize = 'trigram case_sensitive 1'
);
INSERT INTO products_search (products_search) VALUES ('rebuild');
CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_search (rowid, name_key) VALUES (new.rowid, new.name_key);
END;
CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_search (products_search, rowid, name_key)
    VALUES ('delete', old.rowid, old.name_key);
END;
-- Only a new name: stock moves with every order and must not touch it.
CREATE TRIGGER products_search_update AFTER UPDATE OF name_key ON products BEGIN
    INSERT INTO products_search (products_search, rowid, name_key)
    VALUES ('delete', old.rowid, old.name_key);
    INSERT INTO products_search (rowid, name_key) VALUES (new.rowid, new.name_key);
END;

CREATE VIRTUAL TABLE customers_search USING fts5(
    name_key, email, content = 'customers', content_rowid = 'rowid',
    tokenize = 'trigram case_sensitive 1'
);
INSERT INTO customers_search (customers_search) VALUES ('rebuild');
CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_search (rowid, name_key, email)
    VALUES (new.rowid, new.name_key, new.email);
END;
CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customers_search (customers_search, rowid, name_key, email)
    VALUES ('delete', old.rowid, old.name_key, old.email);
END;
CREATE TRIGGER customers_search_update AFTER UPDATE OF name_key, email ON customers BEGIN
    INSERT INTO customers_search (customers_search, rowid, name_key, email)
    VALUES ('delete', old.rowid, old.name_key, old.email);
    INSERT INTO customers_search (rowid, name_key, email)
    VALUES (new.rowid, new.name_key, new.email);
END;
