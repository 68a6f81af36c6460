-- Finding products by any part of their name through a trigram index
-- instead of reading every row: an FTS5 table over the case-folded name,
-- kept by triggers. Matching is case-sensitive on the already case-folded
-- text, so a search finds exactly what `instr` finds; the query checks
-- `instr` again on what the index proposes. (Customers have none yet:
-- indexed in the commit that creates them, they cost placing a third of
-- its pace; see docs/benchmarks.md.)
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
