-- Materialized views that hold data (created WITH DATA or refreshed since).
SELECT c.relname AS name
  FROM pg_class c
 WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'm' AND c.relispopulated
 ORDER BY c.relname
