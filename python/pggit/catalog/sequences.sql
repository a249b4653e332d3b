-- Sequences of one schema, except identity sequences (those belong to their column).
SELECT c.relname AS name,
       format_type(s.seqtypid, NULL) AS data_type,
       s.seqstart::text AS start,
       s.seqincrement::text AS increment,
       s.seqmin::text AS minvalue,
       s.seqmax::text AS maxvalue,
       s.seqcache::text AS cache,
       s.seqcycle AS cycle,
       (SELECT t.relname
          FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
           AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
           AND t.relnamespace = c.relnamespace) AS owned_by_table,
       (SELECT a.attname
          FROM pg_depend d
          JOIN pg_class t ON t.oid = d.refobjid
          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
           AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
           AND t.relnamespace = c.relnamespace) AS owned_by_column
  FROM pg_class c
  JOIN pg_sequence s ON s.seqrelid = c.oid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1::name
   AND c.relkind = 'S'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                      AND d.deptype IN ('i', 'e'))
 ORDER BY c.relname
