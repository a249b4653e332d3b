-- Brings pggit.versioned_objects up to date for the branch whose schema is $1:
-- one row per table, view, sequence, function and type of that schema. $2 (text[]):
-- only the rows of the tables, views and sequences of these names (NULL: every row).
WITH branch AS (
    SELECT id FROM pggit.branches WHERE schema_name = $1::name
), present AS (
    SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                          WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS object_type,
           c.relname::text AS object_name
      FROM pg_class c
     WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
       AND ($2::text[] IS NULL OR c.relname = ANY (SELECT pg_catalog.unnest($2::text[]::name[])))
    UNION
    SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
           pg_catalog.format('%s(%s)', p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid))
      FROM pg_proc p WHERE $2::text[] IS NULL AND p.pronamespace = $1::regnamespace
    UNION
    SELECT CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.typname::text
      FROM pg_type t
     WHERE $2::text[] IS NULL AND t.typnamespace = $1::regnamespace AND t.typtype IN ('e', 'd', 'r')
), gone AS (
    DELETE FROM pggit.versioned_objects v USING branch b
     WHERE v.branch_id = b.id
       AND ($2::text[] IS NULL OR (v.object_type IN ('TABLE', 'VIEW', 'MATERIALIZED VIEW', 'SEQUENCE')
                                   AND v.object_name = ANY ($2::text[])))
       AND (v.object_type, v.object_name) NOT IN (SELECT object_type, object_name FROM present)
)
INSERT INTO pggit.versioned_objects (branch_id, object_type, object_name)
SELECT b.id, p.object_type, p.object_name FROM branch b, present p
ON CONFLICT (branch_id, object_type, object_name) DO NOTHING
