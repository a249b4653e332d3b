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
       a.attinhcount AS inhcount
  FROM pg_attribute a
  JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) a.attrelid
  JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
  JOIN pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid OPERATOR(pg_catalog.=) a.attrelid AND d.adnum OPERATOR(pg_catalog.=) a.attnum
  LEFT JOIN pg_collation co ON co.oid OPERATOR(pg_catalog.=) a.attcollation
  LEFT JOIN pg_namespace cn ON cn.oid OPERATOR(pg_catalog.=) co.collnamespace
 WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
   AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::"char"[])
   AND a.attnum OPERATOR(pg_catalog.>) 0
   AND NOT a.attisdropped
 ORDER BY c.relname, a.attnum
