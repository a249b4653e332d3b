-- Objects of schema $1 that pggit does not version (not an extension's): a branch
-- shares them with main through search_path, and diff, merge and patch do not see
-- them. One row per kind, with up to three names. Run with search_path = pg_catalog, pg_temp.
WITH nsp AS (SELECT oid FROM pg_namespace WHERE nspname = $1::name),
members AS (SELECT classid, objid FROM pg_depend WHERE deptype = 'e'),
found AS (
    SELECT 'operator' AS kind, o.oid::regoperator::text AS name, 'pg_catalog.pg_operator'::regclass AS classid, o.oid
      FROM pg_operator o WHERE o.oprnamespace = (SELECT oid FROM nsp)
    UNION ALL
    SELECT 'operator class', c.opcname::text, 'pg_catalog.pg_opclass'::regclass, c.oid
      FROM pg_opclass c WHERE c.opcnamespace = (SELECT oid FROM nsp)
    UNION ALL
    SELECT 'collation', c.collname::text, 'pg_catalog.pg_collation'::regclass, c.oid
      FROM pg_collation c WHERE c.collnamespace = (SELECT oid FROM nsp)
    UNION ALL
    SELECT CASE t.typtype WHEN 'r' THEN 'range type' ELSE 'base type' END, t.typname::text, 'pg_catalog.pg_type'::regclass, t.oid
      FROM pg_type t
     WHERE t.typnamespace = (SELECT oid FROM nsp) AND t.typtype IN ('r', 'b')
       AND NOT (t.typelem <> 0 AND t.typsubscript = 'pg_catalog.array_subscript_handler'::regproc)  -- an array type
    UNION ALL
    SELECT 'text search configuration', c.cfgname::text, 'pg_catalog.pg_ts_config'::regclass, c.oid
      FROM pg_ts_config c WHERE c.cfgnamespace = (SELECT oid FROM nsp)
    UNION ALL
    SELECT 'text search dictionary', d.dictname::text, 'pg_catalog.pg_ts_dict'::regclass, d.oid
      FROM pg_ts_dict d WHERE d.dictnamespace = (SELECT oid FROM nsp)
    UNION ALL
    SELECT 'conversion', c.conname::text, 'pg_catalog.pg_conversion'::regclass, c.oid
      FROM pg_conversion c WHERE c.connamespace = (SELECT oid FROM nsp)
    UNION ALL
    SELECT 'foreign table', c.relname::text, 'pg_catalog.pg_class'::regclass, c.oid
      FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM nsp) AND c.relkind = 'f'
)
SELECT kind, count(*) AS n, pg_catalog.string_agg(name, ', ' ORDER BY name) FILTER (WHERE rank <= 3) AS examples
  FROM (SELECT f.*, pg_catalog.row_number() OVER (PARTITION BY kind ORDER BY name) AS rank
          FROM found f
         WHERE (f.classid, f.oid) NOT IN (SELECT classid, objid FROM members)) AS x
 GROUP BY kind
 ORDER BY kind
