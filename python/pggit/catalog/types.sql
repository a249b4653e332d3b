-- Enum, composite and domain types of one schema.
SELECT t.typname AS name,
       t.typtype AS kind,
       coalesce((SELECT pg_catalog.array_to_json(pg_catalog.array_agg(e.enumlabel ORDER BY e.enumsortorder))
                   FROM pg_enum e WHERE e.enumtypid OPERATOR(pg_catalog.=) t.oid), '[]')::text AS labels,
       coalesce((SELECT pg_catalog.array_to_json(pg_catalog.array_agg(pg_catalog.json_build_array(
                          a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum))
                   FROM pg_attribute a
                  WHERE a.attrelid OPERATOR(pg_catalog.=) t.typrelid AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped),
                '[]')::text AS attributes,
       CASE WHEN t.typtype OPERATOR(pg_catalog.=) 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END AS base_type,
       t.typnotnull AS not_null,
       t.typdefault AS "default",
       pg_catalog.pg_get_userbyid(t.typowner)::text AS owner,
       coalesce((SELECT pg_catalog.array_to_json(pg_catalog.array_agg(pg_catalog.json_build_array(
                          k.conname, pg_catalog.pg_get_constraintdef(k.oid)) ORDER BY k.conname))
                   FROM pg_constraint k WHERE k.contypid OPERATOR(pg_catalog.=) t.oid), '[]')::text AS constraints
  FROM pg_type t
  JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) t.typnamespace
 WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
   AND (t.typtype OPERATOR(pg_catalog.=) ANY (ARRAY['e', 'd']::"char"[])
        OR (t.typtype OPERATOR(pg_catalog.=) 'c' AND (SELECT relkind FROM pg_class WHERE oid OPERATOR(pg_catalog.=) t.typrelid) OPERATOR(pg_catalog.=) 'c'))
   AND NOT EXISTS (SELECT 1 FROM pg_depend e
                    WHERE e.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::regclass AND e.objid OPERATOR(pg_catalog.=) t.oid AND e.deptype OPERATOR(pg_catalog.=) 'e')
 ORDER BY t.typname
