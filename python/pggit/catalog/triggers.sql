-- User triggers of one schema (not internal, not partition clones).
SELECT c.relname AS table_name,
       t.tgname AS name,
       pg_catalog.pg_get_triggerdef(t.oid, true) AS definition,
       t.tgenabled AS enabled,
       CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'v' THEN 'VIEW' WHEN c.relkind OPERATOR(pg_catalog.=) 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END AS table_type
  FROM pg_trigger t
  JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) t.tgrelid
  JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
 WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
   AND ($2::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[])))
   AND NOT t.tgisinternal
   AND t.tgparentid OPERATOR(pg_catalog.=) 0
 ORDER BY c.relname, t.tgname
