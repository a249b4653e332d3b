-- Every column of every table, in every branch schema, that has the name of one of
-- main's tables ($1 = main's schema), with what routing needs: the branch column's
-- default (an identity column's as the nextval of its sequence), its place in the
-- primary key, and whether a cast exists between its type and main's column's type.
-- $2 (text[]) limits it to main's tables of those names; NULL means all of them. The
-- names drive the query (each table found by name in each schema, an index lookup), so
-- a short $2 reads only its own tables however many there are, with any plan.
WITH main_tables AS (
    SELECT m.relname
      FROM pg_catalog.unnest(coalesce($2::text[]::name[],
                           ARRAY(SELECT m.relname FROM pg_class m
                                  WHERE m.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1::name))))
           AS x (relname)
      JOIN pg_class m ON m.relname = x.relname
                     AND m.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1::name)
     WHERE m.relkind IN ('r', 'p') AND NOT m.relispartition
), schemas AS (
    SELECT b.name AS branch, n.oid AS nsp, n.nspname
      FROM pggit.branches b
      JOIN pg_namespace n ON n.nspname = b.schema_name
), tables AS (
    SELECT s.branch, s.nspname, c.oid, c.relname
      FROM main_tables mt
     CROSS JOIN schemas s
      JOIN pg_class c ON c.relname = mt.relname AND c.relnamespace = s.nsp
     WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
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
       pg_catalog.format_type(a.atttypid, NULL) AS type_sql,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS full_type_sql,  -- a function's result has no typmods
       CASE WHEN a.attidentity <> '' THEN
                pg_catalog.format('nextval(%L::regclass)',
                       pg_catalog.pg_get_serial_sequence(pg_catalog.format('%I.%I', t.nspname, t.relname), a.attname))
            WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid)
       END AS default_sql,
       a.attidentity::text AS identity,
       a.attgenerated::text AS generated,
       pg_catalog.array_position(pk.conkey, a.attnum)::int AS pk_position,
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
