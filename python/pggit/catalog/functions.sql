-- Functions and procedures of one schema (aggregates are not modelled).
SELECT p.proname AS name,
       p.oid::regprocedure::text AS signature,
       p.prokind OPERATOR(pg_catalog.=) 'p' AS is_procedure,
       pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
       pg_catalog.pg_get_function_result(p.oid) AS result,
       pg_catalog.pg_get_functiondef(p.oid) AS definition
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
 WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
   AND p.prokind OPERATOR(pg_catalog.=) ANY (ARRAY['f', 'p', 'w']::"char"[])
   AND NOT EXISTS (SELECT 1 FROM pg_depend e
                    WHERE e.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::regclass AND e.objid OPERATOR(pg_catalog.=) p.oid
                      AND e.deptype OPERATOR(pg_catalog.=) ANY (ARRAY['e', 'i']::"char"[]))  -- an extension's; a range type's constructors
 ORDER BY 2
