-- The relations of the tracked schema ($1): whether each is a view made by routing (its
-- rule depends on a function of the routing schema, $2), its owner and privileges (kept
-- when a view is made again), its column types, its column defaults and its triggers. $3 (text[]) limits
-- it to the relations of those names (found by name, an index lookup each, whatever
-- the plan); NULL means all of them.
WITH tracked AS (
    SELECT oid FROM pg_namespace WHERE nspname = $1::name
)
SELECT c.relname::text AS name,
       c.relkind::text AS kind,
       EXISTS (SELECT 1
                 FROM pg_rewrite r
                 JOIN pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
                                 AND d.refclassid = 'pg_catalog.pg_proc'::regclass
                 JOIN pg_proc p ON p.oid = d.refobjid
                 JOIN pg_namespace pn ON pn.oid = p.pronamespace
                WHERE r.ev_class = c.oid AND pn.nspname = $2::name) AS routed,
       ARRAY(SELECT a.attname::text
               FROM pg_attrdef ad JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
              WHERE ad.adrelid = c.oid ORDER BY a.attnum) AS default_columns,
       ARRAY(SELECT pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)
               FROM pg_attrdef ad WHERE ad.adrelid = c.oid ORDER BY ad.adnum) AS default_exprs,
       pg_catalog.pg_get_userbyid(c.relowner)::text AS owner,
       ARRAY(SELECT CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(g.grantee)::text END
               FROM pg_catalog.aclexplode(c.relacl) g WHERE g.grantee <> c.relowner
              ORDER BY g.grantee, g.privilege_type) AS grantees,
       ARRAY(SELECT g.privilege_type || CASE WHEN g.is_grantable THEN '+' ELSE '' END
               FROM pg_catalog.aclexplode(c.relacl) g WHERE g.grantee <> c.relowner
              ORDER BY g.grantee, g.privilege_type) AS privileges,
       ARRAY(SELECT pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS column_types,
       ARRAY(SELECT tg.tgname::text FROM pg_trigger tg
              WHERE tg.tgrelid = c.oid AND NOT tg.tgisinternal ORDER BY tg.tgname) AS trigger_names,
       ARRAY(SELECT p.proname::text FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid
              WHERE tg.tgrelid = c.oid AND NOT tg.tgisinternal ORDER BY tg.tgname) AS trigger_functions
  FROM pg_catalog.unnest(coalesce($3::text[]::name[],
                      ARRAY(SELECT c.relname FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM tracked))))
       AS x (relname)
  JOIN pg_class c ON c.relname = x.relname AND c.relnamespace = (SELECT oid FROM tracked)
 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
