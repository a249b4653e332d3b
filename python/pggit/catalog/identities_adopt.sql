-- Gives the tables and columns of schema $1 named in ($2 tables, $3 columns (NULL: the
-- table itself)) the identities $4 (and defaults that filled them, $5): after a merge,
-- what it made on the target has the identity it has on the source. Run with
-- search_path = pg_catalog, pg_temp.
INSERT INTO pggit.identities AS i (schema_name, relid, attnum, table_name, column_name, identity, added_default)
SELECT $1::name, c.oid, coalesce(a.attnum, 0), x.table_name, x.column_name, x.identity, x.added_default
  FROM ROWS FROM (pg_catalog.unnest($2::text[]), pg_catalog.unnest($3::text[]), pg_catalog.unnest($4::bigint[]),
                  pg_catalog.unnest($5::text[]))
       AS x (table_name, column_name, identity, added_default)
  JOIN pg_class c ON c.relnamespace = $1::regnamespace AND c.relname = x.table_name
  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = x.column_name AND NOT a.attisdropped
 WHERE x.column_name IS NULL OR a.attnum IS NOT NULL
ON CONFLICT (relid, attnum) DO UPDATE
   SET schema_name = excluded.schema_name, table_name = excluded.table_name,
       column_name = excluded.column_name, identity = excluded.identity, added_default = excluded.added_default
