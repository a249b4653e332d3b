-- Table constraints of one schema (not inherited copies, not partition clones).
SELECT c.relname AS table_name,
       k.conname AS name,
       k.contype AS type,
       pg_get_constraintdef(k.oid) AS definition
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1::name
   AND c.relkind IN ('r', 'p')
   AND k.conislocal
   AND k.conparentid = 0
 ORDER BY c.relname, k.conname
