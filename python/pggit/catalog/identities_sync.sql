-- Brings pggit.identities up to date for schema $1 (a branch's, or the tracked one):
-- a new relation (table, sequence, view, index) or column gets a new identity, a renamed one keeps its own (its OID and
-- attnum stay), and rows whose object is gone go. A row whose OID is gone but whose
-- names a live object without a row has (a restore gave it a new OID) is re-keyed to
-- it. Run with search_path = pg_catalog, pg_temp.
WITH live AS (
    SELECT c.oid AS relid, 0::int2 AS attnum, c.relname AS table_name, NULL::name AS column_name
      FROM pg_class c
     WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p', 'S', 'v', 'm', 'i', 'I')
    UNION ALL
    SELECT c.oid, a.attnum, c.relname, a.attname
      FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
     WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
), gone AS (
    DELETE FROM pggit.identities i
     WHERE i.schema_name = $1::name
       AND NOT EXISTS (SELECT 1 FROM live l WHERE l.relid = i.relid AND l.attnum = i.attnum)
    RETURNING i.table_name, i.column_name, i.identity
), renamed AS (
    UPDATE pggit.identities i SET table_name = l.table_name, column_name = l.column_name
      FROM live l
     WHERE i.schema_name = $1::name AND l.relid = i.relid AND l.attnum = i.attnum
       AND (i.table_name, i.column_name) IS DISTINCT FROM (l.table_name, l.column_name)
)
INSERT INTO pggit.identities AS i (schema_name, relid, attnum, table_name, column_name, identity)
SELECT $1::name, l.relid, l.attnum, l.table_name, l.column_name,
       coalesce(g.identity, pg_catalog.nextval('pggit.identity_seq'))
  FROM live l
  -- a join the planner can hash ('' is no column's name), not a subquery per row
  LEFT JOIN gone g ON g.table_name = l.table_name AND coalesce(g.column_name, '') = coalesce(l.column_name, '')
 WHERE NOT EXISTS (SELECT 1 FROM pggit.identities x
                    WHERE x.relid = l.relid AND x.attnum = l.attnum AND x.schema_name = $1::name)
ON CONFLICT (relid, attnum) DO UPDATE  -- a row another schema left behind for a reused OID
   SET schema_name = excluded.schema_name, table_name = excluded.table_name,
       column_name = excluded.column_name, identity = excluded.identity
