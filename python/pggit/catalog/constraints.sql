-- Table constraints of one schema (not inherited copies, not partition clones).
SELECT c.relname AS table_name,
       k.conname AS name,
       k.contype AS type,
       pg_catalog.pg_get_constraintdef(k.oid) AS definition
  FROM pg_constraint k
  JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) k.conrelid
  JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
 WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
   AND ($2::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[])))
   AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::"char"[])
   AND k.conislocal
   AND k.conparentid OPERATOR(pg_catalog.=) 0
   AND k.contype OPERATOR(pg_catalog.<>) 't'  -- a constraint trigger is read as a trigger (triggers.sql)
 ORDER BY c.relname, k.conname
