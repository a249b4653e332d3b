-- Dependencies between objects of one schema, as (key, ref) pairs of model keys.
-- Reads the CTEs of objects.sql (`objects`, `probed`). $2 (text[]): only what these
-- relations' objects, and every statistics object, depend on, and every function's and
-- type's if $3 (boolean; $2 NULL: everything).
WITH links AS (
    -- a full read: every object's dependencies, all of pg_depend joined at once
    SELECT a.key, a.object_type, d.refclassid, d.refobjid, d.refobjsubid
      FROM pg_depend d
      JOIN objects a ON a.classid OPERATOR(pg_catalog.=) d.classid AND a.objid OPERATOR(pg_catalog.=) d.objid AND a.objsubid OPERATOR(pg_catalog.=) d.objsubid
     WHERE $2::text[] IS NULL AND d.deptype OPERATOR(pg_catalog.=) ANY (ARRAY['n', 'a']::"char"[])
    UNION ALL
    -- a partial one: what it reads, each object's looked up in objects.sql (`probed`)
    SELECT a.key, a.object_type, p.refclassid, p.refobjid, p.refobjsubid
      FROM probed p
      JOIN objects a ON a.classid OPERATOR(pg_catalog.=) p.classid AND a.objid OPERATOR(pg_catalog.=) p.objid AND a.objsubid OPERATOR(pg_catalog.=) p.objsubid
     WHERE NOT ($2::text[] IS NULL)
)
SELECT DISTINCT l.key, b.key AS ref
  FROM links l
  JOIN objects b ON b.classid OPERATOR(pg_catalog.=) l.refclassid AND b.objid OPERATOR(pg_catalog.=) l.refobjid AND b.objsubid OPERATOR(pg_catalog.=) l.refobjsubid
 WHERE l.key OPERATOR(pg_catalog.<>) b.key
   AND NOT (l.object_type OPERATOR(pg_catalog.=) 'SEQUENCE' AND b.object_type OPERATOR(pg_catalog.=) 'COLUMN')
 ORDER BY 1, 2
