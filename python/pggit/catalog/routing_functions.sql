-- The functions in the routing schema ($1) as they are now: all of them when $2 is
-- NULL; else those named in $2 (text[]) and those the routing views ($3 = the tracked
-- schema) of the tables named in $4 (text[]) use, found through the catalog, not by
-- name: the view's rule (its route function), its column defaults and its triggers.
-- That finds a table's functions even when the table has left main, and whatever
-- columns it had.
WITH routes AS (
    SELECT oid FROM pg_namespace WHERE nspname = $1::name
), tracked_views AS (
    SELECT v.oid
      FROM pg_catalog.unnest($4::text[]::name[]) AS x (relname)
      JOIN pg_class v ON v.relname = x.relname
       AND v.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = $3::name)
       AND v.relkind = 'v'
), candidates AS (
    SELECT p.oid
      FROM pg_catalog.unnest(coalesce($2::text[]::name[],
                           ARRAY(SELECT p.proname FROM pg_proc p WHERE p.pronamespace = (SELECT oid FROM routes))))
           AS x (proname)
      JOIN pg_proc p ON p.proname = x.proname AND p.pronamespace = (SELECT oid FROM routes)
    UNION
    SELECT used.oid
      FROM tracked_views v
     CROSS JOIN LATERAL (
        SELECT d.refobjid
          FROM pg_rewrite r
          JOIN pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
                          AND d.refclassid = 'pg_catalog.pg_proc'::regclass
         WHERE r.ev_class = v.oid
        UNION ALL
        SELECT d.refobjid
          FROM pg_attrdef ad
         CROSS JOIN LATERAL (SELECT d.refobjid FROM pg_depend d  -- by the depender index
                              WHERE d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.objid = ad.oid
                                AND d.refclassid = 'pg_catalog.pg_proc'::regclass
                             OFFSET 0) d
         WHERE ad.adrelid = v.oid
        UNION ALL
        SELECT tg.tgfoid FROM pg_trigger tg WHERE tg.tgrelid = v.oid AND NOT tg.tgisinternal
     ) AS used (oid)
)
SELECT p.proname::text AS name,
       pg_catalog.pg_get_function_identity_arguments(p.oid) AS args,
       pg_catalog.pg_get_function_result(p.oid) AS result,
       p.prosrc AS body
  FROM candidates c
  JOIN pg_proc p ON p.oid = c.oid
 WHERE p.pronamespace = (SELECT oid FROM routes)
