-- Rules of one schema's tables and views (not the _RETURN rule that makes a view).
SELECT c.relname AS table_name,
       r.rulename AS name,
       CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'v' THEN 'VIEW' ELSE 'TABLE' END AS table_type,
       pg_catalog.pg_get_ruledef(r.oid) AS definition,
       r.ev_enabled AS enabled
  FROM pg_rewrite r
  JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) r.ev_class
  JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
 WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
   AND ($2::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[])))
   AND r.rulename OPERATOR(pg_catalog.<>) '_RETURN'
 ORDER BY c.relname, r.rulename
