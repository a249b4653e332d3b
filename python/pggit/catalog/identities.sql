-- The identities of schema $1's tables and columns, by their names now (read through
-- their OIDs, so a rename not yet synced reads right).
SELECT c.relname::text AS table_name, a.attname::text AS column_name, i.identity, i.added_default
  FROM pggit.identities i
  JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) i.relid
  LEFT JOIN pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) i.relid AND a.attnum OPERATOR(pg_catalog.=) i.attnum
 WHERE i.schema_name OPERATOR(pg_catalog.=) $1::name
   AND c.relnamespace OPERATOR(pg_catalog.=) $1::regnamespace
   AND (i.attnum OPERATOR(pg_catalog.=) 0 OR a.attname IS NOT NULL)
