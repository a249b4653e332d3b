-- Indexes of one schema that no constraint owns and no partitioned index created.
SELECT c.relname AS table_name,
       i.relname AS name,
       n.nspname AS schema,
       CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS table_type,
       pg_catalog.pg_get_indexdef(i.oid) AS definition
  FROM pg_index x
  JOIN pg_class i ON i.oid OPERATOR(pg_catalog.=) x.indexrelid
  JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) x.indrelid
  JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
 WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
   AND ($2::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[])))
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k  -- (by its table: pg_constraint has no index on conindid)
                    WHERE k.conrelid OPERATOR(pg_catalog.=) x.indrelid AND k.conindid OPERATOR(pg_catalog.=) i.oid
                      AND k.contype OPERATOR(pg_catalog.=) ANY (ARRAY['p', 'u', 'x']::"char"[]))
   AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid OPERATOR(pg_catalog.=) i.oid)
   AND NOT EXISTS (SELECT 1 FROM pg_depend e
                    WHERE e.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass AND e.objid OPERATOR(pg_catalog.=) c.oid AND e.deptype OPERATOR(pg_catalog.=) 'e')
 ORDER BY c.relname, i.relname
