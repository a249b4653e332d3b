-- Comments on objects of one schema. Prefixed with `WITH objects AS (objects.sql)`.
SELECT o.object_type, o.table_name, o.name, d.description
  FROM pg_description d
  JOIN objects o ON o.classid = d.classoid AND o.objid = d.objoid AND o.objsubid = d.objsubid
 WHERE d.classoid <> 'pg_rewrite'::regclass
   AND NOT (d.classoid = 'pg_type'::regclass AND o.object_type IN ('TABLE', 'VIEW', 'MATERIALIZED VIEW'))
 ORDER BY 1, 2, 3
