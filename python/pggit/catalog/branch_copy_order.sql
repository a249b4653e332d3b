-- The tables of schema $1 whose rows a branch (in schema $2) copies, parents before the tables whose foreign
-- keys point at them, with the columns an INSERT may write (no generated columns).
-- Partitions are filled through their partitioned root; inheritance children on
-- their own (so the parent is read with ONLY).
WITH RECURSIVE tabs AS (
    SELECT c.oid, c.relname, c.relkind
      FROM pg_class c
     WHERE c.relnamespace = $1::regnamespace
       AND c.relkind IN ('r', 'p') AND NOT c.relispartition
), deps AS (
    SELECT DISTINCT f.conrelid AS child, f.confrelid AS parent
      FROM pg_constraint f
     WHERE f.contype = 'f' AND f.conrelid <> f.confrelid
       AND f.conrelid IN (SELECT oid FROM tabs) AND f.confrelid IN (SELECT oid FROM tabs)
), depth AS (
    SELECT oid, 0 AS level FROM tabs
    UNION ALL
    SELECT d.child, depth.level + 1 FROM depth JOIN deps d ON d.parent = depth.oid
     WHERE depth.level < 100
)
SELECT t.relname AS name,
       t.relkind = 'p' AS partitioned,
       string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) AS columns,
       -- a value whose type belongs to the source schema (an enum, a domain, an
       -- array of them) goes to the target schema's copy of that type via text; a type
       -- the target has no copy of (an extension's, in public) is shared as it is
       string_agg(CASE WHEN ty.typnamespace = $1::regnamespace
                        AND EXISTS (SELECT 1 FROM pg_type tt WHERE tt.typnamespace = $2::regnamespace
                                                               AND tt.typname = ty.typname)
                       THEN format('%I::text::%I.%I', a.attname, $2::text, ty.typname)
                       ELSE quote_ident(a.attname) END, ', ' ORDER BY a.attnum) AS select_list
  FROM tabs t
  JOIN (SELECT oid, max(level) AS level FROM depth GROUP BY oid) d ON d.oid = t.oid
  LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
                          AND a.attgenerated = ''
  LEFT JOIN pg_type ty ON ty.oid = a.atttypid
 GROUP BY t.oid, t.relname, t.relkind, d.level
 ORDER BY d.level, t.relname
