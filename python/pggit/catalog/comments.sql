-- Comments on objects of one schema. Prefixed with `WITH objects AS (objects.sql)`.
SELECT o.object_type, o.table_name, o.name, d.description
  FROM pg_description d
  JOIN objects o ON o.classid OPERATOR(pg_catalog.=) d.classoid AND o.objid OPERATOR(pg_catalog.=) d.objoid AND o.objsubid OPERATOR(pg_catalog.=) d.objsubid
 WHERE ($2::text[] IS NULL OR o.rel OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[]))
        OR (o.rel IS NULL AND ($4::boolean OR o.object_type OPERATOR(pg_catalog.=) 'STATISTICS')))
   AND (d.classoid OPERATOR(pg_catalog.<>) 'pg_catalog.pg_rewrite'::regclass OR o.object_type OPERATOR(pg_catalog.=) 'RULE')
   AND NOT (d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::regclass AND o.object_type OPERATOR(pg_catalog.=) ANY (ARRAY['TABLE', 'VIEW', 'MATERIALIZED VIEW']::text[]))
 ORDER BY 1, 2, 3
