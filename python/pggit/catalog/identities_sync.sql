-- Brings pggit.identities up to date for schema $1 (a branch's, or the tracked one):
-- a new relation (table, sequence, view, index) or column gets a new identity, a renamed one keeps its own (its OID and
-- attnum stay), and rows whose object is gone go. A row whose OID is gone but whose
-- names a live object without a row has (a restore gave it a new OID) is re-keyed to
-- it. $2 (text[]): only for these relations, their indexes and columns (NULL: the whole
-- schema; what DDL drops, the sql_drop event trigger forgets: pggit._forget_identities).
-- Run with search_path = pg_catalog, pg_temp.
WITH rels AS (
    SELECT c.oid, c.relname, c.relkind
      FROM pg_class c
     WHERE $2::text[] IS NULL AND c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p', 'S', 'v', 'm', 'i', 'I')
    UNION ALL  -- (a partial sync) the relations named, and their indexes: each found by an
               -- index probe (LATERAL ... OFFSET 0), which the hash joins below cannot turn into scans
    SELECT r.oid, r.relname, r.relkind
      FROM pg_catalog.unnest($2::text[]::name[]) AS n (name)
     CROSS JOIN LATERAL (SELECT c.oid, c.relname, c.relkind FROM pg_class c
                          WHERE c.relname = n.name AND c.relnamespace = $1::regnamespace OFFSET 0) t
     CROSS JOIN LATERAL (SELECT t.oid, t.relname, t.relkind
                         UNION ALL
                         SELECT x.indexrelid, (SELECT i.relname FROM pg_class i WHERE i.oid = x.indexrelid),
                                (SELECT i.relkind FROM pg_class i WHERE i.oid = x.indexrelid)
                           FROM pg_index x WHERE x.indrelid = t.oid) r
     WHERE t.relkind IN ('r', 'p', 'S', 'v', 'm', 'i', 'I')
), ids AS MATERIALIZED (  -- the rows of what is synced (a partial sync's by pggit.identities' key, each
                          -- relation's looked up: filtering the schema's rows by an array of OIDs
                          -- compared each with every OID, 0.3 s at 3,000 tables)
    SELECT i.ctid, i.relid, i.attnum, i.table_name, i.column_name FROM pggit.identities i
     WHERE $2::text[] IS NULL AND i.schema_name = $1::name
    UNION ALL
    SELECT i.ctid, i.relid, i.attnum, i.table_name, i.column_name
      FROM (SELECT DISTINCT oid FROM rels) r
     CROSS JOIN LATERAL (SELECT i.ctid, i.relid, i.attnum, i.table_name, i.column_name, i.schema_name
                           FROM pggit.identities i WHERE i.relid = r.oid OFFSET 0) i
     WHERE NOT ($2::text[] IS NULL) AND i.schema_name = $1::name
), live AS (
    SELECT c.oid AS relid, 0::int2 AS attnum, c.relname AS table_name, NULL::name AS column_name
      FROM rels c
    UNION ALL
    SELECT c.oid, a.attnum, c.relname, a.attname
      FROM rels c
     CROSS JOIN LATERAL (  -- each relation's columns by index (as a join, hashed, it read every column of the database)
           SELECT a.attnum, a.attname FROM pg_attribute a
            WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped OFFSET 0) a
     WHERE c.relkind IN ('r', 'p')
), gone AS (  -- (each row by its tid: no scan of pggit.identities, which holds every branch's)
    DELETE FROM pggit.identities i
     WHERE i.ctid = ANY (ARRAY(SELECT x.ctid FROM ids x
                                WHERE NOT EXISTS (SELECT 1 FROM live l WHERE l.relid = x.relid AND l.attnum = x.attnum)))
    RETURNING i.table_name, i.column_name, i.identity
), renamed AS (  -- (few: the event triggers keep the names of what they see renamed current)
    UPDATE pggit.identities i
       SET (table_name, column_name) = (SELECT l.table_name, l.column_name FROM live l
                                         WHERE l.relid = i.relid AND l.attnum = i.attnum)
     WHERE i.ctid = ANY (ARRAY(SELECT x.ctid FROM ids x JOIN live l ON l.relid = x.relid AND l.attnum = x.attnum
                                WHERE (x.table_name, x.column_name) IS DISTINCT FROM (l.table_name, l.column_name)))
)
INSERT INTO pggit.identities AS i (schema_name, relid, attnum, table_name, column_name, identity)
SELECT $1::name, l.relid, l.attnum, l.table_name, l.column_name,
       coalesce(g.identity, pg_catalog.nextval('pggit.identity_seq'))
  FROM live l
  -- a join the planner can hash ('' is no column's name), not a subquery per row
  LEFT JOIN gone g ON g.table_name = l.table_name AND coalesce(g.column_name, '') = coalesce(l.column_name, '')
 WHERE NOT EXISTS (SELECT 1 FROM ids x WHERE x.relid = l.relid AND x.attnum = l.attnum)
ON CONFLICT (relid, attnum) DO UPDATE  -- a row another schema left behind for a reused OID
   SET schema_name = excluded.schema_name, table_name = excluded.table_name,
       column_name = excluded.column_name, identity = excluded.identity
