-- Views and materialized views of one schema.
SELECT c.relname AS name,
       c.relkind OPERATOR(pg_catalog.=) 'm' AS materialized,
       pg_catalog.pg_get_viewdef(c.oid) AS definition,
       coalesce(pg_catalog.array_to_json(c.reloptions), '[]')::text AS options,
       pg_catalog.pg_get_userbyid(c.relowner)::text AS owner
  FROM pg_class c
  JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
 WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
   AND ($2::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[])))
   AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['v', 'm']::"char"[])
   AND NOT EXISTS (SELECT 1 FROM pg_depend e
                    WHERE e.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass AND e.objid OPERATOR(pg_catalog.=) c.oid AND e.deptype OPERATOR(pg_catalog.=) 'e')
 ORDER BY c.relname
