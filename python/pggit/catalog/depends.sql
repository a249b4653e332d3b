-- Dependencies between objects of one schema, as (key, ref) pairs of model keys.
-- Prefixed with `WITH objects AS (objects.sql)` by the loader.
SELECT DISTINCT a.key, b.key AS ref
  FROM pg_depend d
  JOIN objects a ON a.classid = d.classid AND a.objid = d.objid AND a.objsubid = d.objsubid
  JOIN objects b ON b.classid = d.refclassid AND b.objid = d.refobjid AND b.objsubid = d.refobjsubid
 WHERE d.deptype IN ('n', 'a')
   AND a.key <> b.key
   AND NOT (a.object_type = 'SEQUENCE' AND b.object_type = 'COLUMN')
 ORDER BY 1, 2
