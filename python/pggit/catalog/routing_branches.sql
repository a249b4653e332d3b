-- Every branch whose schema exists, main first.
SELECT b.name, b.schema_name::text AS schema_name
  FROM pggit.branches b
  JOIN pg_namespace n ON n.nspname = b.schema_name
 ORDER BY b.schema_name <> $1::name, b.id
