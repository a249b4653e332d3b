-- Row-level security policies of one schema.
SELECT c.relname AS table_name,
       p.polname AS name,
       p.polpermissive AS permissive,
       p.polcmd AS command,
       coalesce((SELECT pg_catalog.array_to_json(pg_catalog.array_agg(
                          CASE WHEN r OPERATOR(pg_catalog.=) 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(r)::text END ORDER BY 1))
                   FROM pg_catalog.unnest(p.polroles) AS r), '[]')::text AS roles,
       pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS using_expr,
       pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr
  FROM pg_policy p
  JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) p.polrelid
  JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
 WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
   AND ($2::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[])))
 ORDER BY c.relname, p.polname
