-- Functions and procedures of one schema (aggregates are not modelled).
SELECT p.proname AS name,
       p.oid::regprocedure::text AS signature,
       p.prokind = 'p' AS is_procedure,
       pg_get_function_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS result,
       pg_get_functiondef(p.oid) AS definition
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = $1::name
   AND p.prokind IN ('f', 'p', 'w')
   AND NOT EXISTS (SELECT 1 FROM pg_depend e
                    WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
 ORDER BY 2
