-- Brings pggit.versioned_objects up to date for the branch whose schema is $1:
-- one row per table, view, sequence, function and type of that schema.
WITH branch AS (
    SELECT id FROM pggit.branches WHERE schema_name = $1::name
), present AS (
    SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                          WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS object_type,
           c.relname::text AS object_name
      FROM pg_class c
     WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
    UNION
    SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
           pg_catalog.format('%s(%s)', p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid))
      FROM pg_proc p WHERE p.pronamespace = $1::regnamespace
    UNION
    SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.typname::text
      FROM pg_type t
     WHERE t.typnamespace = $1::regnamespace AND t.typtype IN ('e', 'd', 'r')
), gone AS (
    DELETE FROM pggit.versioned_objects v USING branch b
     WHERE v.branch_id = b.id
       AND (v.object_type, v.object_name) NOT IN (SELECT object_type, object_name FROM present)
)
INSERT INTO pggit.versioned_objects (branch_id, object_type, object_name)
SELECT b.id, p.object_type, p.object_name FROM branch b, present p
ON CONFLICT (branch_id, object_type, object_name) DO NOTHING
