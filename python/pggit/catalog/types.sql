-- Enum, composite and domain types of one schema.
SELECT t.typname AS name,
       t.typtype AS kind,
       coalesce((SELECT array_to_json(array_agg(e.enumlabel ORDER BY e.enumsortorder))
                   FROM pg_enum e WHERE e.enumtypid = t.oid), '[]')::text AS labels,
       coalesce((SELECT array_to_json(array_agg(json_build_array(
                          a.attname, format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum))
                   FROM pg_attribute a
                  WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped),
                '[]')::text AS attributes,
       CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END AS base_type,
       t.typnotnull AS not_null,
       t.typdefault AS "default",
       coalesce((SELECT array_to_json(array_agg(json_build_array(
                          k.conname, pg_get_constraintdef(k.oid)) ORDER BY k.conname))
                   FROM pg_constraint k WHERE k.contypid = t.oid), '[]')::text AS constraints
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE n.nspname = $1::name
   AND (t.typtype IN ('e', 'd')
        OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
   AND NOT EXISTS (SELECT 1 FROM pg_depend e
                    WHERE e.classid = 'pg_type'::regclass AND e.objid = t.oid AND e.deptype = 'e')
 ORDER BY t.typname
