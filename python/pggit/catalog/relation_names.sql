-- The names of schema $1's tables, views and sequences as the schema model has them:
-- not identity sequences (their column holds them) nor extensions' members.
SELECT c.relname::text AS name
  FROM pg_class c
  JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
 WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
   AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'v', 'm', 'S']::"char"[])
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass AND d.objid OPERATOR(pg_catalog.=) c.oid
                      AND d.objsubid OPERATOR(pg_catalog.=) 0  -- (a partition key's column depends on its table)
                      AND d.deptype OPERATOR(pg_catalog.=) ANY (ARRAY['i', 'e']::"char"[]))
