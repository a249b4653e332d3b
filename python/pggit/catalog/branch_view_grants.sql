-- GRANTs that give each lens view (in $2) the table privileges other roles hold on
-- main's table of the same name (in $1), so whoever may read or write the table may read
-- or write it through the lens.
SELECT pg_catalog.format('GRANT %s ON %I.%I TO %s%s', a.privilege_type, $2::text, c.relname,
              CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END,
              CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END) AS statement
  FROM pg_class c, pg_catalog.aclexplode(c.relacl) a
 WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p')
   AND a.grantee <> c.relowner
   AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
   AND EXISTS (SELECT FROM pg_class v WHERE v.relnamespace = $2::regnamespace
                                        AND v.relname = c.relname AND v.relkind = 'v')
 ORDER BY c.relname, a.privilege_type, a.grantee
