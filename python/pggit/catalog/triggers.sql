-- User triggers of one schema (not internal, not partition clones).
SELECT c.relname AS table_name,
       t.tgname AS name,
       pg_get_triggerdef(t.oid, true) AS definition,
       t.tgenabled AS enabled,
       CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS table_type
  FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1::name
   AND NOT t.tgisinternal
   AND t.tgparentid = 0
 ORDER BY c.relname, t.tgname
