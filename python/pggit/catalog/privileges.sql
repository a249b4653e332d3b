-- Privileges granted on objects of one schema, owners' own privileges left out. $2
-- (text[]): only on these relations (NULL: all); $3 (boolean): on functions and types too.
-- A NULL acl reads as the built-in default (acldefault): a function's and a type's grant to PUBLIC, a
-- relation's to its owner alone (so a relation without an ACL has nothing to read).
SELECT o.object_type, o.name, o.column_name,
       (o.acl).privilege_type AS privilege,
       CASE WHEN (o.acl).grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid((o.acl).grantee)::text END AS grantee,
       (o.acl).is_grantable AS grantable
  FROM (
    SELECT CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'S' THEN 'SEQUENCE' WHEN c.relkind OPERATOR(pg_catalog.=) 'v' THEN 'VIEW'
                          WHEN c.relkind OPERATOR(pg_catalog.=) 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS object_type,
           'pg_catalog.pg_class'::regclass AS classid, c.oid AS objid,
           c.relname::text AS name, NULL::text AS column_name, c.relowner AS owner,
           pg_catalog.aclexplode(c.relacl) AS acl
      FROM pg_class c JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
     WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
       AND ($2::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[])))
       AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'v', 'm', 'S']::"char"[])
       AND c.relacl IS NOT NULL  -- a relation's default grants its owner alone: nothing to read
    UNION ALL
    SELECT 'COLUMN', 'pg_catalog.pg_class'::regclass, c.oid, c.relname, a.attname, c.relowner, pg_catalog.aclexplode(a.attacl)
      FROM pg_attribute a
      JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) a.attrelid
      JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
     WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
       AND ($2::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[])))
       AND a.attacl IS NOT NULL AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
    UNION ALL
    SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END, 'pg_catalog.pg_proc'::regclass, p.oid,
           p.oid::regprocedure::text, NULL, p.proowner,
           pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner)))
      FROM pg_proc p JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
     WHERE $3::boolean  -- functions' and types' only if asked (a partial read may leave them out)
       AND n.nspname OPERATOR(pg_catalog.=) $1::name AND p.prokind OPERATOR(pg_catalog.=) ANY (ARRAY['f', 'p', 'w', 'a']::"char"[])
       AND NOT EXISTS (SELECT 1 FROM pg_depend i  -- a range type's constructors come with it
                        WHERE i.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::regclass
                          AND i.objid OPERATOR(pg_catalog.=) p.oid AND i.deptype OPERATOR(pg_catalog.=) 'i')
    UNION ALL
    SELECT CASE WHEN t.typtype OPERATOR(pg_catalog.=) 'd' THEN 'DOMAIN' ELSE 'TYPE' END, 'pg_catalog.pg_type'::regclass, t.oid, t.typname, NULL, t.typowner,
           pg_catalog.aclexplode(coalesce(t.typacl, pg_catalog.acldefault('T', t.typowner)))
      FROM pg_type t JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) t.typnamespace
     WHERE $3::boolean AND n.nspname OPERATOR(pg_catalog.=) $1::name
       AND (t.typtype OPERATOR(pg_catalog.=) ANY (ARRAY['e', 'd']::"char"[])
            OR (t.typtype OPERATOR(pg_catalog.=) 'c' AND (SELECT relkind FROM pg_class WHERE oid OPERATOR(pg_catalog.=) t.typrelid) OPERATOR(pg_catalog.=) 'c'))
  ) AS o
 WHERE (o.acl).grantee OPERATOR(pg_catalog.<>) o.owner
   AND NOT EXISTS (SELECT 1 FROM pg_depend e  -- an extension's member (by the index on what is referenced: few rows)
                    WHERE e.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::regclass
                      AND e.classid OPERATOR(pg_catalog.=) o.classid AND e.objid OPERATOR(pg_catalog.=) o.objid AND e.deptype OPERATOR(pg_catalog.=) 'e')
 ORDER BY 1, 2, 3, 4, 5
