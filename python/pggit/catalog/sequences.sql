-- Sequences of one schema, except identity sequences (those belong to their column).
SELECT c.relname AS name,
       pg_catalog.format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart::text AS start,
       s.seqincrement::text AS increment,
       s.seqmin::text AS minvalue,
       s.seqmax::text AS maxvalue,
       s.seqcache::text AS cache,
       s.seqcycle AS cycle,
       pg_catalog.pg_get_userbyid(c.relowner)::text AS owner,
       (SELECT t.relname
          FROM pg_depend d JOIN pg_class t ON t.oid OPERATOR(pg_catalog.=) d.refobjid
         WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass AND d.objid OPERATOR(pg_catalog.=) c.oid
           AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass AND d.deptype OPERATOR(pg_catalog.=) 'a'
           AND t.relnamespace OPERATOR(pg_catalog.=) c.relnamespace) AS owned_by_table,
       (SELECT a.attname
          FROM pg_depend d
          JOIN pg_class t ON t.oid OPERATOR(pg_catalog.=) d.refobjid
          JOIN pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) d.refobjid AND a.attnum OPERATOR(pg_catalog.=) d.refobjsubid
         WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass AND d.objid OPERATOR(pg_catalog.=) c.oid
           AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass AND d.deptype OPERATOR(pg_catalog.=) 'a'
           AND t.relnamespace OPERATOR(pg_catalog.=) c.relnamespace) AS owned_by_column
  FROM pg_class c
  JOIN pg_sequence s ON s.seqrelid OPERATOR(pg_catalog.=) c.oid
  JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
 WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
   AND ($2::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[])))
   AND c.relkind OPERATOR(pg_catalog.=) 'S'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass AND d.objid OPERATOR(pg_catalog.=) c.oid
                      AND d.deptype OPERATOR(pg_catalog.=) ANY (ARRAY['i', 'e']::"char"[]))
 ORDER BY c.relname
