-- The names of schema $1's tables, views and sequences as the schema model has them:
-- not identity sequences (their column holds them) nor extensions' members. $2
-- (text[]): only those of these names (NULL: all).
SELECT c.relname::text AS name
  FROM pg_class c
 WHERE c.relnamespace OPERATOR(pg_catalog.=) (SELECT n.oid FROM pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) $1::name)
   AND ($2::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[])))
   AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'v', 'm', 'S']::"char"[])
   AND NOT (c.relkind OPERATOR(pg_catalog.=) 'S'  -- an identity's sequence (only sequences: a probe each)
            AND EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass AND d.objid OPERATOR(pg_catalog.=) c.oid
                           AND d.objsubid OPERATOR(pg_catalog.=) 0 AND d.deptype OPERATOR(pg_catalog.=) 'i'))
   AND NOT EXISTS (SELECT 1 FROM pg_depend e  -- an extension's member (by the index on what is referenced: few rows)
                    WHERE e.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::regclass
                      AND e.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass AND e.objid OPERATOR(pg_catalog.=) c.oid
                      AND e.deptype OPERATOR(pg_catalog.=) 'e')
