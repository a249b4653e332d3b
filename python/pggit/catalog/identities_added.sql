-- Columns of the tables $1 (oid[], just altered) in schema $2 that pggit.identities does
-- not know yet, on tables it does know: added to a table that may have rows, so the
-- default in force now is what filled them. Read with the schema reader's search_path,
-- so the default reads as the model's do.
SELECT t.relid, a.attnum, t.table_name::text AS table_name, a.attname::text AS column_name,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS added_default
  FROM pg_catalog.unnest($1::oid[]) AS altered (relid)  -- each table by its key, however many identities there are
  JOIN pggit.identities t ON t.relid OPERATOR(pg_catalog.=) altered.relid AND t.attnum OPERATOR(pg_catalog.=) 0
  JOIN pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) t.relid AND a.attnum OPERATOR(pg_catalog.>) 0
                     AND NOT a.attisdropped AND a.attgenerated OPERATOR(pg_catalog.=) ''
  LEFT JOIN pg_attrdef d ON d.adrelid OPERATOR(pg_catalog.=) a.attrelid AND d.adnum OPERATOR(pg_catalog.=) a.attnum
 WHERE t.schema_name OPERATOR(pg_catalog.=) $2::name
   AND NOT EXISTS (SELECT 1 FROM pggit.identities x
                    WHERE x.relid OPERATOR(pg_catalog.=) a.attrelid AND x.attnum OPERATOR(pg_catalog.=) a.attnum)
