-- Columns of every table of one schema, in attnum order.
SELECT c.relname AS table_name,
       a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS type,
       CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation,
       CASE WHEN a.attcollation <> t.typcollation THEN cn.nspname END AS collation_schema,
       pg_get_expr(d.adbin, d.adrelid) AS "default",
       a.attnotnull AS not_null,
       a.attidentity AS identity,
       a.attgenerated AS generated,
       a.attislocal AS local,
       a.attinhcount AS inhcount
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  LEFT JOIN pg_collation co ON co.oid = a.attcollation
  LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
 WHERE n.nspname = $1::name
   AND c.relkind IN ('r', 'p')
   AND a.attnum > 0
   AND NOT a.attisdropped
 ORDER BY c.relname, a.attnum
