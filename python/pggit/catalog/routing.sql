-- Catalog queries of the routing layer (python/pggit/routing.py). Each query follows a
-- "-- name: <key>" line and runs as one set-based query for the whole database. They
-- run with search_path = pg_catalog, so format_type and pg_get_expr qualify every name
-- outside pg_catalog.

-- name: branches
-- Every branch whose schema exists, main first.
SELECT b.name, b.schema_name::text AS schema_name
  FROM pggit.branches b
  JOIN pg_namespace n ON n.nspname = b.schema_name
 ORDER BY b.schema_name <> $1::name, b.id;

-- name: columns
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
 ORDER BY t.relname, t.branch, a.attnum;

-- name: functions
-- The functions in the routing schema ($1) as they are now.
SELECT p.proname::text AS name,
       pg_get_function_identity_arguments(p.oid) AS args,
       pg_get_function_result(p.oid) AS result,
       p.prosrc AS body
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = $1::name;

-- name: relations
-- The relations of the tracked schema ($1): whether each is a view made by routing (its
-- rule depends on a function of the routing schema, $2), its owner and privileges (kept
-- when a view is made again), its column defaults and its triggers.
SELECT c.relname::text AS name,
       c.relkind::text AS kind,
       EXISTS (SELECT 1
                 FROM pg_rewrite r
                 JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                                 AND d.refclassid = 'pg_proc'::regclass
                 JOIN pg_proc p ON p.oid = d.refobjid
                 JOIN pg_namespace pn ON pn.oid = p.pronamespace
                WHERE r.ev_class = c.oid AND pn.nspname = $2::name) AS routed,
       ARRAY(SELECT a.attname::text
               FROM pg_attrdef ad JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
              WHERE ad.adrelid = c.oid ORDER BY a.attnum) AS default_columns,
       ARRAY(SELECT pg_get_expr(ad.adbin, ad.adrelid)
               FROM pg_attrdef ad WHERE ad.adrelid = c.oid ORDER BY ad.adnum) AS default_exprs,
       pg_get_userbyid(c.relowner)::text AS owner,
       ARRAY(SELECT CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(g.grantee)::text END
               FROM aclexplode(c.relacl) g WHERE g.grantee <> c.relowner
              ORDER BY g.grantee, g.privilege_type) AS grantees,
       ARRAY(SELECT g.privilege_type || CASE WHEN g.is_grantable THEN '+' ELSE '' END
               FROM aclexplode(c.relacl) g WHERE g.grantee <> c.relowner
              ORDER BY g.grantee, g.privilege_type) AS privileges,
       ARRAY(SELECT tg.tgname::text FROM pg_trigger tg
              WHERE tg.tgrelid = c.oid AND NOT tg.tgisinternal ORDER BY tg.tgname) AS trigger_names,
       ARRAY(SELECT p.proname::text FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid
              WHERE tg.tgrelid = c.oid AND NOT tg.tgisinternal ORDER BY tg.tgname) AS trigger_functions
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1::name
   AND c.relkind IN ('r', 'p', 'v', 'm', 'f');
