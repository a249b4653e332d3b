-- Row-level security policies of one schema.
SELECT c.relname AS table_name,
       p.polname AS name,
       p.polpermissive AS permissive,
       p.polcmd AS command,
       coalesce((SELECT array_to_json(array_agg(
                          CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r)::text END ORDER BY 1))
                   FROM unnest(p.polroles) AS r), '[]')::text AS roles,
       pg_get_expr(p.polqual, p.polrelid) AS using_expr,
       pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr
  FROM pg_policy p
  JOIN pg_class c ON c.oid = p.polrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1::name
 ORDER BY c.relname, p.polname
