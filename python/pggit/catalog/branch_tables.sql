-- The tables of schema $1 (not extensions') whose rows a branch (in schema $2) copies, each with its owner
-- and the columns an INSERT may write (no generated columns). Foreign keys are added
-- after the rows (create_branch), so the order is only for a stable output.
-- Partitions are filled through their partitioned root; inheritance children on
-- their own (so the parent is read with ONLY).
SELECT t.relname AS name,
       pg_catalog.pg_get_userbyid(t.relowner)::text AS owner,
       t.relkind = 'p' AS partitioned,
       t.relforcerowsecurity AS forced_rls,
       pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum) AS columns,
       -- a value whose type belongs to the source schema (an enum, a domain, an
       -- array of them) goes to the target schema's copy of that type via text; a type
       -- the target has no copy of (an extension's, in public) is shared as it is
       pg_catalog.string_agg(CASE WHEN ty.typnamespace = $1::regnamespace
                        AND EXISTS (SELECT 1 FROM pg_type tt WHERE tt.typnamespace = $2::regnamespace
                                                               AND tt.typname = ty.typname)
                       THEN pg_catalog.format('%I::text::%I.%I', a.attname, $2::text, ty.typname)
                       ELSE pg_catalog.quote_ident(a.attname) END, ', ' ORDER BY a.attnum) AS select_list
  FROM pg_class t
  LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
                          AND a.attgenerated = ''
  LEFT JOIN pg_type ty ON ty.oid = a.atttypid
 WHERE t.relnamespace = $1::regnamespace
   AND t.relkind IN ('r', 'p') AND NOT t.relispartition
   AND NOT EXISTS (SELECT 1 FROM pg_depend e  -- an extension's table is not main's
                    WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = t.oid AND e.deptype = 'e')
 GROUP BY t.oid, t.relname, t.relkind, t.relowner, t.relforcerowsecurity
 ORDER BY t.relname
