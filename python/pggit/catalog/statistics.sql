-- Extended statistics objects (CREATE STATISTICS) of one schema.
SELECT s.stxname AS name,
       c.relname AS table_name,
       pg_catalog.pg_get_statisticsobjdef(s.oid) AS definition,
       coalesce(s.stxstattarget::integer, -1) AS target,  -- NULL from PostgreSQL 17 on
       pg_catalog.pg_get_userbyid(s.stxowner)::text AS owner
  FROM pg_statistic_ext s
  JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) s.stxrelid
  JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) s.stxnamespace
 WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
 ORDER BY s.stxname
