-- Comments on objects of one schema. Reads objects.sql's CTE `objects`.
-- A full read joins all of pg_description at once; a partial one looks each object up
-- by pg_description's index (OFFSET 0: not a scan of every comment of the database).
SELECT o.object_type, o.table_name, o.name, d.description
  FROM objects o
  JOIN pg_description d ON d.classoid OPERATOR(pg_catalog.=) o.classid AND d.objoid OPERATOR(pg_catalog.=) o.objid
                       AND d.objsubid OPERATOR(pg_catalog.=) o.objsubid
 WHERE $2::text[] IS NULL
   AND (d.classoid OPERATOR(pg_catalog.<>) 'pg_catalog.pg_rewrite'::regclass OR o.object_type OPERATOR(pg_catalog.=) 'RULE')
   AND NOT (d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::regclass AND o.object_type OPERATOR(pg_catalog.=) ANY (ARRAY['TABLE', 'VIEW', 'MATERIALIZED VIEW']::text[]))
UNION ALL
SELECT o.object_type, o.table_name, o.name, d.description
  FROM objects o
 CROSS JOIN LATERAL (
       SELECT d.description FROM pg_description d
        WHERE d.objoid OPERATOR(pg_catalog.=) o.objid AND d.classoid OPERATOR(pg_catalog.=) o.classid
          AND d.objsubid OPERATOR(pg_catalog.=) o.objsubid
       OFFSET 0) d
 WHERE NOT ($2::text[] IS NULL)
   AND (o.rel OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[]))
        OR (o.rel IS NULL AND ($3::boolean OR o.object_type OPERATOR(pg_catalog.=) 'STATISTICS')))
   AND (o.classid OPERATOR(pg_catalog.<>) 'pg_catalog.pg_rewrite'::regclass OR o.object_type OPERATOR(pg_catalog.=) 'RULE')
   AND NOT (o.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::regclass AND o.object_type OPERATOR(pg_catalog.=) ANY (ARRAY['TABLE', 'VIEW', 'MATERIALIZED VIEW']::text[]))
 ORDER BY 1, 2, 3
