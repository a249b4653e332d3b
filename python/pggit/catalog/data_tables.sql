-- The tables of schema $1 named in $2 (text[]: migration ledgers' names and tables under
-- pggit.track_data()), with their owner, primary key and columns: whether each fills
-- itself (identity or serial: `numbered`) and whether it is generated.
SELECT c.relname::text AS table_name,
       pg_catalog.pg_get_userbyid(c.relowner)::text AS owner,
       ARRAY(SELECT a.attname::text
               FROM pg_constraint k, pg_catalog.unnest(k.conkey) WITH ORDINALITY AS u (attnum, n)
               JOIN pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid AND a.attnum OPERATOR(pg_catalog.=) u.attnum
              WHERE k.conrelid OPERATOR(pg_catalog.=) c.oid AND k.contype OPERATOR(pg_catalog.=) 'p'
              ORDER BY u.n) AS primary_key,
       ARRAY(SELECT a.attname::text FROM pg_attribute a
              WHERE a.attrelid OPERATOR(pg_catalog.=) c.oid AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
                AND a.attgenerated OPERATOR(pg_catalog.=) ''
              ORDER BY a.attnum) AS columns,
       ARRAY(SELECT a.attname::text FROM pg_attribute a
               LEFT JOIN pg_attrdef d ON d.adrelid OPERATOR(pg_catalog.=) a.attrelid AND d.adnum OPERATOR(pg_catalog.=) a.attnum
              WHERE a.attrelid OPERATOR(pg_catalog.=) c.oid AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
                AND (a.attidentity OPERATOR(pg_catalog.<>) ''
                     OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) OPERATOR(pg_catalog.~~) 'nextval(%')
              ORDER BY a.attnum) AS numbered
  FROM pg_class c
 WHERE c.relnamespace OPERATOR(pg_catalog.=) $1::regnamespace
   AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::"char"[])
   AND c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::name[]))
 ORDER BY 1
