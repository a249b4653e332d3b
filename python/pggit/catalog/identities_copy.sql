-- Gives the tables and columns of schema $2 (a new branch) the identities of their
-- originals of the same names in schema $1. Run with search_path = pg_catalog, pg_temp.
INSERT INTO pggit.identities AS i (schema_name, relid, attnum, table_name, column_name, identity, added_default)
SELECT $2::name, c.oid, coalesce(a.attnum, 0), s.table_name, s.column_name, s.identity, s.added_default
  FROM pggit.identities s
  JOIN pg_class c ON c.relnamespace = $2::regnamespace AND c.relname = s.table_name
  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = s.column_name AND NOT a.attisdropped
 WHERE s.schema_name = $1::name AND (s.column_name IS NULL OR a.attnum IS NOT NULL)
ON CONFLICT (relid, attnum) DO UPDATE
   SET schema_name = excluded.schema_name, table_name = excluded.table_name,
       column_name = excluded.column_name, identity = excluded.identity, added_default = excluded.added_default
