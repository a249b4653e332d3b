-- ALTER DEFAULT PRIVILEGES ... IN SCHEMA of one schema: what each role's future
-- objects of each kind grant, one row per privilege.
SELECT pg_catalog.pg_get_userbyid(d.defaclrole)::text AS role,
       d.defaclobjtype AS object_kind,
       (d.acl).privilege_type AS privilege,
       CASE WHEN (d.acl).grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid((d.acl).grantee)::text END AS grantee,
       (d.acl).is_grantable AS grantable
  FROM (SELECT a.defaclrole, a.defaclobjtype, pg_catalog.aclexplode(a.defaclacl) AS acl
          FROM pg_default_acl a
          JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) a.defaclnamespace
         WHERE n.nspname OPERATOR(pg_catalog.=) $1::name) AS d
 ORDER BY 1, 2, 3, 4
