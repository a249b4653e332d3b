-- The tables whose rows a branch copies, parents before the tables whose foreign
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
       (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)
          FROM pg_attribute a
         WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
           AND a.attgenerated = '') AS columns
  FROM tabs t JOIN depth d ON d.oid = t.oid
 GROUP BY t.oid, t.relname, t.relkind
 ORDER BY max(d.level), t.relname
