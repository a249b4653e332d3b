-- New identities for columns of schema $1 ($2 relids, $3 attnums, $4 tables, $5 columns),
-- with the default that filled their rows when they were added ($6). Run with
-- search_path = pg_catalog, pg_temp.
INSERT INTO pggit.identities (schema_name, relid, attnum, table_name, column_name, identity, added_default)
SELECT $1::name, x.relid, x.attnum, x.table_name, x.column_name, pg_catalog.nextval('pggit.identity_seq'), x.added_default
  FROM ROWS FROM (pg_catalog.unnest($2::oid[]), pg_catalog.unnest($3::int2[]), pg_catalog.unnest($4::name[]),
                  pg_catalog.unnest($5::name[]), pg_catalog.unnest($6::text[]))
       AS x (relid, attnum, table_name, column_name, added_default)
ON CONFLICT (relid, attnum) DO NOTHING
