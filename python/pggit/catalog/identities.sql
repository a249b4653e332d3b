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
SELECT c.relname::text AS table_name, a.attname::text AS column_name, i.identity, i.added_default
  FROM rels c
  JOIN pggit.identities i ON i.relid OPERATOR(pg_catalog.=) c.oid  -- by its key: OIDs are unique across schemas
  -- a probe per identity, once (not a join, which the planner made over every column of the database)
  LEFT JOIN LATERAL (SELECT a.attname FROM pg_attribute a
                      WHERE a.attrelid OPERATOR(pg_catalog.=) i.relid AND a.attnum OPERATOR(pg_catalog.=) i.attnum
                        AND i.attnum OPERATOR(pg_catalog.<>) 0 OFFSET 0) a ON true
 WHERE i.attnum OPERATOR(pg_catalog.=) 0 OR a.attname IS NOT NULL
