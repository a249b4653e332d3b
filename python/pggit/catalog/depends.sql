-- Dependencies between objects of one schema, as (key, ref) pairs of model keys.
-- Prefixed with `WITH objects AS (objects.sql)` by the loader. $2 (text[]): only
-- what these relations' objects (and every function, type and statistics object) depend on.
SELECT DISTINCT a.key, b.key AS ref
  FROM pg_depend d
  JOIN objects a ON a.classid OPERATOR(pg_catalog.=) d.classid AND a.objid OPERATOR(pg_catalog.=) d.objid AND a.objsubid OPERATOR(pg_catalog.=) d.objsubid
  JOIN objects b ON b.classid OPERATOR(pg_catalog.=) d.refclassid AND b.objid OPERATOR(pg_catalog.=) d.refobjid AND b.objsubid OPERATOR(pg_catalog.=) d.refobjsubid
 WHERE d.deptype OPERATOR(pg_catalog.=) ANY (ARRAY['n', 'a']::"char"[])
   AND ($2::text[] IS NULL OR a.rel IS NULL OR a.rel OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[])))
   AND a.key OPERATOR(pg_catalog.<>) b.key
   AND NOT (a.object_type OPERATOR(pg_catalog.=) 'SEQUENCE' AND b.object_type OPERATOR(pg_catalog.=) 'COLUMN')
 ORDER BY 1, 2
