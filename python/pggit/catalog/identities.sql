-- The identities of schema $1's tables and columns, by their names now (read through
-- their OIDs, so a rename not yet synced reads right). $2 (text[]): only these
-- relations', and their indexes' (NULL: all); found by name, by pg_class's index.
WITH nsp AS (
    SELECT n.oid FROM pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
), rels AS (
    SELECT c.oid, c.relname FROM pg_class c
     WHERE c.relnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
       AND ($2::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[])))
    UNION ALL  -- an index: its table's
    SELECT c.oid, c.relname FROM pg_class t
      JOIN pg_index x ON x.indrelid OPERATOR(pg_catalog.=) t.oid
      JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) x.indexrelid
     WHERE NOT ($2::text[] IS NULL) AND t.relnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
       AND t.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[]))
)
SELECT table_name, column_name, identity, added_default
  FROM (SELECT c.relname::text AS table_name, i.attnum, i.identity, i.added_default,
               -- a probe per identity (not a join, which the planner made over every column of the database)
               (SELECT a.attname::text FROM pg_attribute a
                 WHERE a.attrelid OPERATOR(pg_catalog.=) i.relid AND a.attnum OPERATOR(pg_catalog.=) i.attnum) AS column_name
          FROM rels c
          JOIN pggit.identities i ON i.relid OPERATOR(pg_catalog.=) c.oid) AS x  -- by its key: OIDs are unique across schemas
 WHERE x.attnum OPERATOR(pg_catalog.=) 0 OR x.column_name IS NOT NULL
