-- Foreign keys between the tables of schema $1, by the top-level tables branch_tables
-- lists (a partition's key counts for its root; pg_partition_root is NULL for a plain table): the referencing and referenced table,
-- the key's name, and the condition under which a row needs a referenced row (all its
-- key columns set). Run with search_path = pg_catalog, pg_temp.
SELECT coalesce(pg_catalog.pg_partition_root(k.conrelid), k.conrelid)::regclass AS relation,
       (SELECT c.relname::text FROM pg_class c WHERE c.oid = coalesce(pg_catalog.pg_partition_root(k.conrelid), k.conrelid)) AS table_name,
       (SELECT c.relname::text FROM pg_class c WHERE c.oid = coalesce(pg_catalog.pg_partition_root(k.confrelid), k.confrelid)) AS referenced,
       k.conname::text AS name,
       (SELECT pg_catalog.pg_get_userbyid(c.relowner)::text FROM pg_class c WHERE c.oid = k.conrelid) AS owner,
       (SELECT pg_catalog.string_agg(pg_catalog.format('%I IS NOT NULL', a.attname), ' AND ')
          FROM pg_attribute a WHERE a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)) AS needs_row
  FROM pg_constraint k
 WHERE k.contype = 'f' AND k.connamespace = $1::regnamespace AND k.conparentid = 0
 ORDER BY 2, 3, 4
