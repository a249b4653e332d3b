-- The identities of schema $1's tables and columns, by their names now (read through
-- their OIDs, so a rename not yet synced reads right).
SELECT c.relname::text AS table_name, a.attname::text AS column_name, i.identity, i.added_default
  FROM pg_class c
  JOIN pggit.identities i ON i.relid OPERATOR(pg_catalog.=) c.oid  -- by its key: OIDs are unique across schemas
  LEFT JOIN pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) i.relid AND a.attnum OPERATOR(pg_catalog.=) i.attnum
 WHERE c.relnamespace OPERATOR(pg_catalog.=) (SELECT n.oid FROM pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) $1::name)
   AND ($2::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[]))
        OR EXISTS (SELECT 1 FROM pg_index x JOIN pg_class t ON t.oid OPERATOR(pg_catalog.=) x.indrelid  -- an index: its table's
                    WHERE x.indexrelid OPERATOR(pg_catalog.=) c.oid AND t.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[]))))
   AND (i.attnum OPERATOR(pg_catalog.=) 0 OR a.attname IS NOT NULL)
