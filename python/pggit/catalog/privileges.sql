-- Privileges granted on objects of one schema, owners' own privileges left out.
-- A NULL acl reads as the built-in default (acldefault), so both spellings compare equal.
SELECT o.object_type, o.name, o.column_name,
       (o.acl).privilege_type AS privilege,
       CASE WHEN (o.acl).grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid((o.acl).grantee)::text END AS grantee,
       (o.acl).is_grantable AS grantable
  FROM (
    SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                          WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS object_type,
           'pg_class'::regclass AS classid, c.oid AS objid,
           c.relname::text AS name, NULL::text AS column_name, c.relowner AS owner,
           aclexplode(coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char",
                                                    c.relowner))) AS acl
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1::name AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
    UNION ALL
    SELECT 'COLUMN', 'pg_class'::regclass, c.oid, c.relname, a.attname, c.relowner, aclexplode(a.attacl)
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1::name AND a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT CASE WHEN p.prokind = 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, 'pg_proc'::regclass, p.oid,
           p.oid::regprocedure::text, NULL, p.proowner,
           aclexplode(coalesce(p.proacl, acldefault('f', p.proowner)))
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = $1::name AND p.prokind IN ('f', 'p', 'w')
    UNION ALL
    SELECT CASE WHEN t.typtype = 'd' THEN 'DOMAIN' ELSE 'TYPE' END, 'pg_type'::regclass, t.oid, t.typname, NULL, t.typowner,
           aclexplode(coalesce(t.typacl, acldefault('T', t.typowner)))
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = $1::name
       AND (t.typtype IN ('e', 'd')
            OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
  ) AS o
 WHERE (o.acl).grantee <> o.owner
   AND NOT EXISTS (SELECT 1 FROM pg_depend e
                    WHERE e.classid = o.classid AND e.objid = o.objid AND e.deptype = 'e')
 ORDER BY 1, 2, 3, 4, 5
