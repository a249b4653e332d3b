-- Every column of every table, in every branch schema, that has the name of one of
-- main's tables ($1 = main's schema), with what routing needs: the branch column's
-- default (an identity column's as the nextval of its sequence), its place in the
-- primary key, and whether a cast exists between its type and main's column's type.
WITH schemas AS (
    SELECT b.name AS branch, n.oid AS nsp, n.nspname
      FROM pggit.branches b
      JOIN pg_namespace n ON n.nspname = b.schema_name
), tables AS (
    SELECT s.branch, s.nspname, c.oid, c.relname
      FROM schemas s
      JOIN pg_class c ON c.relnamespace = s.nsp
     WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND c.relname IN (SELECT m.relname
                           FROM pg_class m JOIN pg_namespace mn ON mn.oid = m.relnamespace
                          WHERE mn.nspname = $1::name
                            AND m.relkind IN ('r', 'p') AND NOT m.relispartition)
), main_columns AS (
    SELECT t.relname, a.attname, a.atttypid
      FROM tables t JOIN pg_attribute a ON a.attrelid = t.oid
     WHERE t.nspname = $1::name AND a.attnum > 0 AND NOT a.attisdropped
)
SELECT t.branch,
       t.nspname::text AS schema_name,
       t.relname::text AS table_name,
       a.attname::text AS column_name,
       a.attnum::int AS attnum,
       a.atttypid::int AS type_oid,
       format_type(a.atttypid, NULL) AS type_sql,
       CASE WHEN a.attidentity <> '' THEN
                format('nextval(%L::regclass)',
                       pg_get_serial_sequence(format('%I.%I', t.nspname, t.relname), a.attname))
            WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid)
       END AS default_sql,
       a.attidentity::text AS identity,
       a.attgenerated::text AS generated,
       array_position(pk.conkey, a.attnum)::int AS pk_position,
       pk.oid IS NOT NULL AS has_pk,
       m.atttypid IS NOT NULL AND (m.atttypid = a.atttypid OR EXISTS (
           SELECT 1 FROM pg_cast WHERE castsource = a.atttypid AND casttarget = m.atttypid))
           AS cast_to_main,
       m.atttypid IS NOT NULL AND (m.atttypid = a.atttypid OR EXISTS (
           SELECT 1 FROM pg_cast WHERE castsource = m.atttypid AND casttarget = a.atttypid))
           AS cast_from_main
  FROM tables t
  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  LEFT JOIN pg_constraint pk ON pk.conrelid = t.oid AND pk.contype = 'p'
  LEFT JOIN main_columns m ON m.relname = t.relname AND m.attname = a.attname
 ORDER BY t.relname, t.branch, a.attnum
