-- Columns of every table of one schema, in attnum order.
SELECT c.relname AS table_name,
       a.attname AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
       CASE WHEN a.attcollation OPERATOR(pg_catalog.<>) t.typcollation THEN co.collname END AS collation,
       CASE WHEN a.attcollation OPERATOR(pg_catalog.<>) t.typcollation THEN cn.nspname END AS collation_schema,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS "default",
       a.attnotnull AS not_null,
       a.attidentity AS identity,
       a.attgenerated AS generated,
       a.attislocal AS local,
       a.attinhcount AS inhcount,
       coalesce(a.attstattarget::integer, -1) AS "statistics",  -- NULL from PostgreSQL 17 on
       CASE WHEN a.attstorage OPERATOR(pg_catalog.<>) t.typstorage THEN a.attstorage END AS storage,
       a.attcompression AS compression,
       t.typstorage AS type_storage,
       (SELECT pg_catalog.json_build_object('name', q.relname, 'start', s.seqstart::text, 'increment', s.seqincrement::text,
                                            'min', s.seqmin::text, 'max', s.seqmax::text, 'cache', s.seqcache::text,
                                            'cycle', s.seqcycle)::text
          FROM pg_depend d
          JOIN pg_class q ON q.oid OPERATOR(pg_catalog.=) d.objid
          JOIN pg_sequence s ON s.seqrelid OPERATOR(pg_catalog.=) q.oid
         WHERE a.attidentity OPERATOR(pg_catalog.<>) ''
           AND d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass
           AND d.refobjid OPERATOR(pg_catalog.=) a.attrelid AND d.refobjsubid OPERATOR(pg_catalog.=) a.attnum
           AND d.deptype OPERATOR(pg_catalog.=) 'i' AND q.relkind OPERATOR(pg_catalog.=) 'S') AS identity_sequence
  FROM pg_attribute a
  JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) a.attrelid
  JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
  JOIN pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid OPERATOR(pg_catalog.=) a.attrelid AND d.adnum OPERATOR(pg_catalog.=) a.attnum
  LEFT JOIN pg_collation co ON co.oid OPERATOR(pg_catalog.=) a.attcollation
  LEFT JOIN pg_namespace cn ON cn.oid OPERATOR(pg_catalog.=) co.collnamespace
 WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
   AND ($2::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[])))
   AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::"char"[])
   AND a.attnum OPERATOR(pg_catalog.>) 0
   AND NOT a.attisdropped
 ORDER BY c.relname, a.attnum
