-- What init() moves from the tracked schema ($1) into pggit_base: tables (their indexes,
-- constraints, owned sequences, triggers, policies, grants and comments go with
-- them), free-standing sequences, views, materialized views, functions and types.
-- Extension members and pggit's own routing views stay where they are.
SELECT CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'TABLE' WHEN 'S' THEN 'SEQUENCE'
                      WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' END AS kind,
       format('%I.%I', $1::text, c.relname) AS name, c.relname AS plain_name
  FROM pg_class c
 WHERE c.relnamespace = $1::regnamespace
   AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
   AND NOT (c.relkind IN ('r', 'p') AND c.relispartition)
   AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d
             WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
   AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass
                      AND e.objid = c.oid AND e.deptype = 'e')
   AND NOT EXISTS (SELECT 1 FROM pg_rewrite r JOIN pg_depend d ON d.objid = r.oid
                     AND d.classid = 'pg_rewrite'::regclass
                    WHERE r.ev_class = c.oid AND d.refobjid IN
                          (SELECT p.oid FROM pg_proc p WHERE p.pronamespace = 'pggit_routes'::regnamespace))
UNION ALL
SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
       format('%I.%I(%s)', $1::text, p.proname, pg_get_function_identity_arguments(p.oid)), p.proname
  FROM pg_proc p
 WHERE p.pronamespace = $1::regnamespace
   AND p.prokind IN ('f', 'p')
   AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass
                      AND e.objid = p.oid AND e.deptype = 'e')
UNION ALL
SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, format('%I.%I', $1::text, t.typname),
       t.typname
  FROM pg_type t
 WHERE t.typnamespace = $1::regnamespace
   AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND
        (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
   AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_type'::regclass
                      AND e.objid = t.oid AND e.deptype = 'e')
ORDER BY 1, 3
