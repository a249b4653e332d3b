-- GRANT USAGE statements giving schema $2 the USAGE grants schema $1 has, so roles
-- that reach the tracked schema's tables (through routing views, whose functions
-- are inlined and so checked as the caller) reach every branch's tables too.
SELECT pg_catalog.format('GRANT USAGE ON SCHEMA %I TO %s', $2::text,
              CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END)
       AS statement
  FROM pg_namespace n, pg_catalog.aclexplode(n.nspacl) a
 WHERE n.nspname = $1::name AND a.privilege_type = 'USAGE' AND a.grantee <> n.nspowner
 ORDER BY a.grantee
