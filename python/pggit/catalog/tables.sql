-- Tables (plain and partitioned) of one schema, with partitioning, inheritance and RLS.
SELECT c.relname AS name,
       c.relkind AS kind,
       c.relpersistence AS persistence,
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
       (SELECT i.inhparent::regclass::text FROM pg_inherits i
         WHERE i.inhrelid = c.oid AND c.relispartition) AS partition_of,
       CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
       coalesce((SELECT array_to_json(array_agg(i.inhparent::regclass::text ORDER BY i.inhseqno))
                   FROM pg_inherits i WHERE i.inhrelid = c.oid AND NOT c.relispartition),
                '[]')::text AS inherits,
       c.relrowsecurity AS rls_enabled,
       c.relforcerowsecurity AS rls_forced,
       coalesce(array_to_json(c.reloptions), '[]')::text AS options
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1::name
   AND c.relkind IN ('r', 'p')
   AND NOT EXISTS (SELECT 1 FROM pg_depend e
                    WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
 ORDER BY c.relname
