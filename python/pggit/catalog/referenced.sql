-- The relations (and composite types) of schema $1 that the objects of relations $2
-- (text[], names), every statistics object and, if $3 (boolean), every function and
-- type of the schema depend on: what a partial read of $2 must also have addresses for,
-- to name the other end of each dependency.
WITH nsp AS (
    SELECT n.oid FROM pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
), own AS (
    SELECT c.oid FROM pg_class c
     WHERE c.relnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
       AND c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[]))
), addresses (classid, objid) AS (
    SELECT 'pg_catalog.pg_class'::regclass, own.oid FROM own
    UNION ALL
    SELECT 'pg_catalog.pg_class'::regclass, x.indexrelid FROM pg_index x JOIN own ON own.oid OPERATOR(pg_catalog.=) x.indrelid
    UNION ALL
    SELECT 'pg_catalog.pg_constraint'::regclass, k.oid FROM pg_constraint k JOIN own ON own.oid OPERATOR(pg_catalog.=) k.conrelid
    UNION ALL
    SELECT 'pg_catalog.pg_attrdef'::regclass, d.oid FROM pg_attrdef d JOIN own ON own.oid OPERATOR(pg_catalog.=) d.adrelid
    UNION ALL
    SELECT 'pg_catalog.pg_trigger'::regclass, g.oid FROM pg_trigger g JOIN own ON own.oid OPERATOR(pg_catalog.=) g.tgrelid
     WHERE NOT g.tgisinternal
    UNION ALL
    SELECT 'pg_catalog.pg_policy'::regclass, p.oid FROM pg_policy p JOIN own ON own.oid OPERATOR(pg_catalog.=) p.polrelid
    UNION ALL
    SELECT 'pg_catalog.pg_rewrite'::regclass, w.oid FROM pg_rewrite w JOIN own ON own.oid OPERATOR(pg_catalog.=) w.ev_class
    UNION ALL
    SELECT 'pg_catalog.pg_proc'::regclass, p.oid FROM pg_proc p WHERE $3::boolean AND p.pronamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
    UNION ALL
    SELECT 'pg_catalog.pg_type'::regclass, t.oid FROM pg_type t  -- not arrays: they depend on nothing of their own
     WHERE $3::boolean AND t.typnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp) AND t.typrelid OPERATOR(pg_catalog.=) 0
       AND NOT (t.typelem OPERATOR(pg_catalog.<>) 0 AND t.typsubscript OPERATOR(pg_catalog.=) 'pg_catalog.array_subscript_handler'::regproc)
    UNION ALL
    SELECT 'pg_catalog.pg_constraint'::regclass, k.oid FROM pg_constraint k
     WHERE $3::boolean AND k.connamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp) AND k.contypid OPERATOR(pg_catalog.<>) 0
    UNION ALL
    SELECT 'pg_catalog.pg_statistic_ext'::regclass, s.oid FROM pg_statistic_ext s
     WHERE s.stxnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
), refs AS (  -- each referenced object as the relation it belongs to
    SELECT CASE d.refclassid
           WHEN 'pg_catalog.pg_class'::regclass THEN
               coalesce((SELECT x.indrelid FROM pg_index x WHERE x.indexrelid OPERATOR(pg_catalog.=) d.refobjid), d.refobjid)
           WHEN 'pg_catalog.pg_constraint'::regclass THEN
               (SELECT k.conrelid FROM pg_constraint k WHERE k.oid OPERATOR(pg_catalog.=) d.refobjid)
           WHEN 'pg_catalog.pg_type'::regclass THEN
               (SELECT coalesce(nullif(t.typrelid, 0), e.typrelid) FROM pg_type t
                  LEFT JOIN pg_type e ON e.oid OPERATOR(pg_catalog.=) t.typelem
                 WHERE t.oid OPERATOR(pg_catalog.=) d.refobjid)
           WHEN 'pg_catalog.pg_rewrite'::regclass THEN
               (SELECT w.ev_class FROM pg_rewrite w WHERE w.oid OPERATOR(pg_catalog.=) d.refobjid)
           END AS relid
      FROM addresses a
     CROSS JOIN LATERAL (  -- by pg_depend's index, per object (OFFSET 0: not a join over all of pg_depend)
           SELECT d.refclassid, d.refobjid FROM pg_depend d
            WHERE d.classid OPERATOR(pg_catalog.=) a.classid AND d.objid OPERATOR(pg_catalog.=) a.objid
              AND d.deptype OPERATOR(pg_catalog.=) ANY (ARRAY['n', 'a']::"char"[])
           OFFSET 0) d
)
SELECT DISTINCT c.relname::text AS name
  FROM refs JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) refs.relid
 WHERE c.relnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
