-- Tables (plain and partitioned) of one schema, with partitioning, inheritance, RLS,
-- owner, replica identity ('d', 'n', 'f' or an index's name) and the CLUSTER index.
SELECT c.relname AS name,
       c.relkind AS kind,
       c.relpersistence AS persistence,
       CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_key,
       (SELECT i.inhparent::regclass::text FROM pg_inherits i
         WHERE i.inhrelid OPERATOR(pg_catalog.=) c.oid AND c.relispartition) AS partition_of,
       CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       coalesce((SELECT pg_catalog.array_to_json(pg_catalog.array_agg(i.inhparent::regclass::text ORDER BY i.inhseqno))
                   FROM pg_inherits i WHERE i.inhrelid OPERATOR(pg_catalog.=) c.oid AND NOT c.relispartition),
                '[]')::text AS inherits,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       coalesce(pg_catalog.array_to_json(c.reloptions), '[]')::text AS options,
       pg_catalog.pg_get_userbyid(c.relowner)::text AS owner,
       CASE c.relreplident WHEN 'i' THEN (SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid OPERATOR(pg_catalog.=) x.indexrelid
                                            WHERE x.indrelid OPERATOR(pg_catalog.=) c.oid AND x.indisreplident)::text
                           ELSE c.relreplident::text END AS replica_identity,
       (SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid OPERATOR(pg_catalog.=) x.indexrelid
         WHERE x.indrelid OPERATOR(pg_catalog.=) c.oid AND x.indisclustered)::text AS cluster_on
  FROM pg_class c
  JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
 WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
   AND ($2::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[])))
   AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::"char"[])
   AND NOT EXISTS (SELECT 1 FROM pg_depend e
                    WHERE e.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass AND e.objid OPERATOR(pg_catalog.=) c.oid AND e.deptype OPERATOR(pg_catalog.=) 'e')
 ORDER BY c.relname
