-- The statements that bring the mask schemas of branches in line with main: a stand-in
-- in the branch's mask for each of main's versioned relations, functions and types that
-- the branch itself lacks, and nothing else (see pggit._missing_relation in
-- pggit--1.0.sql). Only the kinds the schema model versions are masked (the same kinds
-- as tables.sql, views.sql, sequences.sql, indexes.sql, functions.sql, types.sql): what
-- pggit does not version (aggregates, operators, range and base types, foreign tables)
-- is not copied to branches, so a branch keeps reaching main's.
-- $1: the tracked schema (main's); $2 (text[]): the branch schemas to bring in line,
-- NULL for every branch; $3 (text[]): only the stand-ins of main's relations of those
-- names, NULL for all stand-ins. Drops come first. Run with search_path = pg_catalog, pg_temp,
-- so that format_type qualifies every type outside pg_catalog. A stand-in never depends
-- on main: a column of one of main's own types is text in the stand-in, and functions
-- taking or returning main's own types get none. A stand-in view's columns are casts of
-- the raising function's output, never constants: a WHERE clause cannot fold it away.
WITH main AS (
    SELECT oid FROM pg_namespace WHERE nspname = $1::name
), branch AS (
    SELECT n.oid AS nsp, m.oid AS mask, m.nspname AS mask_name
      FROM pggit.branches b
      JOIN pg_namespace n ON n.nspname = b.schema_name
      JOIN pg_namespace m ON m.nspname = pggit._mask_schema(b.schema_name)
     WHERE b.id <> 1 AND ($2 IS NULL OR b.schema_name::text = ANY ($2::text[]))  -- ($2 IS NULL: not catalog.filtered's to fold)
), main_types AS (  -- objects of extensions (pggit._member) are not main's: never masked
    SELECT t.oid, t.typname, t.typtype, t.typrelid
      FROM pg_type t
     WHERE t.typnamespace = (SELECT oid FROM main) AND NOT pggit._member('pg_catalog.pg_type'::regclass, t.oid)
), main_relations AS MATERIALIZED (  -- once, not once per branch
    SELECT c.relname AS name,
           coalesce((SELECT pg_catalog.string_agg(pg_catalog.format('CAST(pggit_missing AS %s) AS %I',
                                              CASE WHEN t.typnamespace = (SELECT oid FROM main)
                                                         AND NOT pggit._member('pg_catalog.pg_type'::regclass, t.oid) THEN 'text'
                                                   ELSE pg_catalog.format_type(a.atttypid, a.atttypmod) END,
                                              a.attname), ', ' ORDER BY a.attnum)
                       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                        AND c.relkind IN ('r', 'p', 'v', 'm')),
                    'CAST(pggit_missing AS integer) AS pggit_missing') AS columns
      FROM pg_class c
     WHERE c.relnamespace = (SELECT oid FROM main)
       AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'i', 'I')
       AND ($3::text[] IS NULL OR c.relname = ANY (SELECT pg_catalog.unnest($3::text[]::name[])))
       AND NOT pggit._member('pg_catalog.pg_class'::regclass, c.oid)
), main_functions AS (
    SELECT p.proname AS name, p.prokind = 'p' AS is_procedure,
           pg_catalog.format('%I(%s)', p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) AS signature,
           pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
           pg_catalog.pg_get_function_result(p.oid) AS result
      FROM pg_proc p
     WHERE p.pronamespace = (SELECT oid FROM main) AND $3::text[] IS NULL
       AND (p.prokind IN ('f', 'p', 'w')  -- and plain aggregates: a function stands in for one
            OR (p.prokind = 'a' AND (SELECT a.aggkind FROM pg_aggregate a WHERE a.aggfnoid = p.oid) = 'n'))
       AND NOT pggit._member('pg_catalog.pg_proc'::regclass, p.oid)
       AND NOT EXISTS (SELECT 1 FROM pg_depend i  -- a range type's constructors: not versioned
                        WHERE i.classid = 'pg_catalog.pg_proc'::regclass AND i.objid = p.oid AND i.deptype = 'i')
       AND NOT EXISTS (
           SELECT 1 FROM pg_catalog.unnest(p.proargtypes::oid[] || coalesce(p.proallargtypes, '{}') || p.prorettype) AS x (oid)
            WHERE x.oid IN (SELECT oid FROM main_types)
               OR x.oid IN ('internal'::regtype, 'language_handler'::regtype, 'fdw_handler'::regtype,
                            'index_am_handler'::regtype, 'tsm_handler'::regtype, 'table_am_handler'::regtype))
), main_standalone_types AS (  -- enums, domains and composite types; not arrays, not row types
    SELECT t.typname AS name
      FROM main_types t
     WHERE $3::text[] IS NULL AND t.typtype IN ('e', 'd', 'c')
       AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
), wanted AS (
    SELECT b.mask_name, 'relation' AS kind, r.name::text AS name, r.columns AS detail,
           NULL::text AS proname, NULL::text AS arguments, NULL::text AS result, false AS is_procedure
      FROM branch b CROSS JOIN main_relations r
     WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = b.nsp AND c.relname = r.name)
    UNION ALL
    SELECT b.mask_name, 'function', f.signature, NULL, f.name::text, f.arguments, f.result, f.is_procedure
      FROM branch b CROSS JOIN main_functions f
     WHERE NOT EXISTS (SELECT 1 FROM pg_proc p
                        WHERE p.pronamespace = b.nsp AND p.proname = f.name
                          AND pg_catalog.format('%I(%s)', p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) = f.signature)
    UNION ALL
    SELECT b.mask_name, 'type', t.name::text, NULL, NULL, NULL, NULL, false
      FROM branch b CROSS JOIN main_standalone_types t
     WHERE NOT EXISTS (SELECT 1 FROM pg_type x WHERE x.typnamespace = b.nsp AND x.typname = t.name)
), have AS (
    SELECT b.mask_name, 'relation' AS kind, c.relname::text AS name,
           (SELECT pg_catalog.string_agg(pg_catalog.format('CAST(pggit_missing AS %s) AS %I', pg_catalog.format_type(a.atttypid, a.atttypmod), a.attname),
                              ', ' ORDER BY a.attnum)
              FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS detail
      FROM branch b JOIN pg_class c ON c.relnamespace = b.mask AND c.relkind = 'v'
     WHERE $3::text[] IS NULL OR c.relname = ANY (SELECT pg_catalog.unnest($3::text[]::name[]))
    UNION ALL
    SELECT b.mask_name, 'function', pg_catalog.format('%I(%s)', p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)), NULL
      FROM branch b JOIN pg_proc p ON p.pronamespace = b.mask AND $3::text[] IS NULL
    UNION ALL
    SELECT b.mask_name, 'type', t.typname::text, NULL
      FROM branch b JOIN pg_type t ON t.typnamespace = b.mask AND NOT t.typisdefined AND $3::text[] IS NULL
)
SELECT statement FROM (
    SELECT 0 AS step, h.mask_name, h.name,
           CASE h.kind WHEN 'relation' THEN pg_catalog.format('DROP VIEW %I.%I', h.mask_name, h.name)
                       WHEN 'function' THEN pg_catalog.format('DROP ROUTINE %I.%s', h.mask_name, h.name)
                       ELSE pg_catalog.format('DROP TYPE %I.%I', h.mask_name, h.name) END AS statement
      FROM have h
     WHERE NOT EXISTS (SELECT 1 FROM wanted w
                        WHERE (w.mask_name, w.kind, w.name) = (h.mask_name, h.kind, h.name)
                          AND w.detail IS NOT DISTINCT FROM h.detail)
    UNION ALL
    SELECT 1, w.mask_name, w.name,
           CASE w.kind
           WHEN 'relation' THEN pg_catalog.format(
               'CREATE VIEW %1$I.%2$I AS SELECT %3$s FROM pggit._missing_relation(%4$L) AS pggit_missing;'
               ' CREATE TRIGGER pggit_missing INSTEAD OF INSERT OR UPDATE OR DELETE ON %1$I.%2$I'
               ' FOR EACH ROW EXECUTE FUNCTION pggit._missing_relation_write();'
               ' GRANT SELECT, INSERT, UPDATE, DELETE ON %1$I.%2$I TO PUBLIC',
               w.mask_name, w.name, w.detail, w.name)
           WHEN 'function' THEN pg_catalog.format(
               'CREATE %s %I.%I(%s) %s LANGUAGE plpgsql AS %L',
               CASE WHEN w.is_procedure THEN 'PROCEDURE' ELSE 'FUNCTION' END,
               w.mask_name, w.proname, w.arguments,
               CASE WHEN w.is_procedure THEN '' ELSE 'RETURNS ' || w.result END,
               pg_catalog.format('BEGIN PERFORM pggit._missing_function(%L); END', w.name))
           ELSE pg_catalog.format('CREATE TYPE %I.%I', w.mask_name, w.name) END
      FROM wanted w
     WHERE NOT EXISTS (SELECT 1 FROM have h
                        WHERE (w.mask_name, w.kind, w.name) = (h.mask_name, h.kind, h.name)
                          AND w.detail IS NOT DISTINCT FROM h.detail)
) s
ORDER BY step, mask_name, name
