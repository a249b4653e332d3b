-- GRANT statements giving schema $2 (a branch) the privileges on schema $1 (its
-- parent): USAGE, so that roles that reach the tracked schema's tables reach every
-- branch's; CREATE, so that a role that runs migrations on main runs them on a branch.
SELECT pg_catalog.format('GRANT %s ON SCHEMA %I TO %s%s', a.privilege_type, $2::text,
              CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END,
              CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
       AS statement
  FROM pg_namespace n, pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a
 WHERE n.nspname = $1::name AND a.grantee <> n.nspowner
 ORDER BY a.grantee, a.privilege_type
