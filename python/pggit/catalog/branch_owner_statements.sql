-- ALTER ... OWNER TO statements that give each object pggit made in schema $2 (a copy,
-- or a lens view) the owner of its original in schema $1: what pggit makes never
-- belongs to the role that happened to make it.
-- Relations by name (a table's indexes and owned sequences follow it), types by name,
-- routines by name and argument types (an argument of a type of $1 matches the type of
-- the same name in $2). Run with search_path = pg_catalog, pg_temp.
WITH pairs AS (
    SELECT CASE t.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                          WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END AS kind,
           pg_catalog.format('%I.%I', $2::text, t.relname) AS target, s.relowner AS owner, t.relowner AS now
      FROM pg_class s
      JOIN pg_class t ON t.relname = s.relname AND t.relnamespace = $2::regnamespace
     WHERE s.relnamespace = $1::regnamespace AND s.relkind IN ('r', 'p', 'v', 'm', 'S')
       AND NOT (s.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d  -- owned: follows its table
                 WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i')))
    UNION ALL
    SELECT CASE s.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
           pg_catalog.format('%I.%I', $2::text, t.typname), s.typowner, t.typowner
      FROM pg_type s
      JOIN pg_type t ON t.typname = s.typname AND t.typnamespace = $2::regnamespace
     WHERE s.typnamespace = $1::regnamespace AND s.typtype IN ('e', 'd')
    UNION ALL
    SELECT 'ROUTINE', t.oid::regprocedure::text, s.proowner, t.proowner
      FROM pg_proc s
      JOIN pg_proc t ON t.proname = s.proname AND t.pronamespace = $2::regnamespace
                    AND t.pronargs = s.pronargs
     WHERE s.pronamespace = $1::regnamespace
       AND ARRAY(SELECT CASE WHEN ty.typnamespace = $1::regnamespace THEN ty.typname::text ELSE ty.oid::text END
                   FROM pg_catalog.unnest(s.proargtypes) WITH ORDINALITY AS a (oid, n) JOIN pg_type ty ON ty.oid = a.oid
                  ORDER BY a.n)
         = ARRAY(SELECT CASE WHEN ty.typnamespace = $2::regnamespace THEN ty.typname::text ELSE ty.oid::text END
                   FROM pg_catalog.unnest(t.proargtypes) WITH ORDINALITY AS a (oid, n) JOIN pg_type ty ON ty.oid = a.oid
                  ORDER BY a.n)
)
SELECT pg_catalog.format('ALTER %s %s OWNER TO %I', kind, target, pg_catalog.pg_get_userbyid(owner)) AS statement
  FROM pairs
 WHERE owner <> now
 ORDER BY kind, target
