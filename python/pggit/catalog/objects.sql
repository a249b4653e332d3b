-- Address book of one schema (`objects`): every pg_depend / pg_description address
-- of an object of the schema, mapped to the model key of the object that owns it, and
-- `rel`: the relation (table, view, sequence) it belongs to, NULL for functions, types
-- and statistics. $2 (text[]; NULL: all): a partial read of these relations, which
-- wants the addresses of their objects, of every statistics object, and of every
-- function and type if $3 (boolean), and of what those depend on (the other end of
-- each dependency: relations with all their objects, functions and types alone);
-- `probed` then has the dependencies of what it reads, each looked up once.
--
-- Not a statement: the CTEs that comments.sql and depends.sql read (catalog._addressed
-- puts them together). Everything of a relation is reached from its oid by the
-- catalogs' indexes, the relations from their names by pg_class's, and what they depend
-- on by pg_depend's: a partial read costs what it reads, not what the schema (or the
-- database) holds.
nsp AS (
    SELECT n.oid FROM pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
), own AS MATERIALIZED (  -- (a partial read) the relations it reads
    SELECT c.oid, c.relname, c.relkind, c.reltype FROM pg_class c
     WHERE NOT ($2::text[] IS NULL) AND c.relnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
       AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'v', 'm', 'S', 'c', 'f']::"char"[])
       AND c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[]))
), depender (classid, objid) AS (  -- (a partial read) what it reads that may depend on something
    SELECT 'pg_catalog.pg_class'::regclass, own.oid FROM own  -- (a relation and its columns)
    UNION ALL
    SELECT 'pg_catalog.pg_class'::regclass, x.indexrelid FROM pg_index x JOIN own ON own.oid OPERATOR(pg_catalog.=) x.indrelid
    UNION ALL
    SELECT 'pg_catalog.pg_constraint'::regclass, k.oid FROM pg_constraint k JOIN own ON own.oid OPERATOR(pg_catalog.=) k.conrelid
    UNION ALL
    SELECT 'pg_catalog.pg_attrdef'::regclass, d.oid FROM pg_attrdef d JOIN own ON own.oid OPERATOR(pg_catalog.=) d.adrelid
    UNION ALL
    SELECT 'pg_catalog.pg_trigger'::regclass, g.oid FROM pg_trigger g JOIN own ON own.oid OPERATOR(pg_catalog.=) g.tgrelid
     WHERE NOT g.tgisinternal
    UNION ALL
    SELECT 'pg_catalog.pg_policy'::regclass, p.oid FROM pg_policy p JOIN own ON own.oid OPERATOR(pg_catalog.=) p.polrelid
    UNION ALL
    SELECT 'pg_catalog.pg_rewrite'::regclass, w.oid FROM pg_rewrite w JOIN own ON own.oid OPERATOR(pg_catalog.=) w.ev_class
    UNION ALL
    SELECT 'pg_catalog.pg_statistic_ext'::regclass, s.oid FROM pg_statistic_ext s
     WHERE NOT ($2::text[] IS NULL) AND s.stxnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
    UNION ALL
    SELECT 'pg_catalog.pg_proc'::regclass, p.oid FROM pg_proc p
     WHERE NOT ($2::text[] IS NULL) AND $3::boolean AND p.pronamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
    UNION ALL  -- (not arrays: they depend on nothing of their own)
    SELECT CASE WHEN t.typrelid OPERATOR(pg_catalog.=) 0 THEN 'pg_catalog.pg_type'::regclass ELSE 'pg_catalog.pg_class'::regclass END,
           CASE WHEN t.typrelid OPERATOR(pg_catalog.=) 0 THEN t.oid ELSE t.typrelid END
      FROM pg_type t
     WHERE NOT ($2::text[] IS NULL) AND $3::boolean AND t.typnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
       AND (t.typrelid OPERATOR(pg_catalog.=) 0 OR t.typtype OPERATOR(pg_catalog.=) 'c')
       AND NOT (t.typelem OPERATOR(pg_catalog.<>) 0 AND t.typsubscript OPERATOR(pg_catalog.=) 'pg_catalog.array_subscript_handler'::regproc)
       AND NOT EXISTS (SELECT FROM pg_class c WHERE c.oid OPERATOR(pg_catalog.=) t.typrelid AND c.relkind OPERATOR(pg_catalog.<>) 'c')
    UNION ALL
    SELECT 'pg_catalog.pg_constraint'::regclass, k.oid FROM pg_constraint k
     WHERE NOT ($2::text[] IS NULL) AND $3::boolean AND k.connamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
       AND k.contypid OPERATOR(pg_catalog.<>) 0
), probed AS MATERIALIZED (  -- their dependencies, by pg_depend's index (OFFSET 0: not a join over all of it)
    SELECT a.classid, a.objid, d.objsubid, d.refclassid, d.refobjid, d.refobjsubid
      FROM depender a
     CROSS JOIN LATERAL (
           SELECT d.objsubid, d.refclassid, d.refobjid, d.refobjsubid FROM pg_depend d
            WHERE d.classid OPERATOR(pg_catalog.=) a.classid AND d.objid OPERATOR(pg_catalog.=) a.objid
              AND d.deptype OPERATOR(pg_catalog.=) ANY (ARRAY['n', 'a']::"char"[])
           OFFSET 0) d
), rels AS MATERIALIZED (  -- the relations read, and those they depend on (with $3, every composite type)
    SELECT c.oid, c.relname, c.relkind, c.reltype
      FROM pg_class c
     WHERE $2::text[] IS NULL AND c.relnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
       AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'v', 'm', 'S', 'c', 'f']::"char"[])
    UNION ALL
    SELECT * FROM own
    UNION ALL
    SELECT c.oid, c.relname, c.relkind, c.reltype
      FROM (SELECT DISTINCT  -- each object depended on as the relation it belongs to (no
                             -- CASE x WHEN or nullif: their = is looked up on the path)
                   CASE WHEN p.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::regclass THEN
                       coalesce((SELECT x.indrelid FROM pg_index x WHERE x.indexrelid OPERATOR(pg_catalog.=) p.refobjid), p.refobjid)
                   WHEN p.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_constraint'::regclass THEN
                       (SELECT k.conrelid FROM pg_constraint k WHERE k.oid OPERATOR(pg_catalog.=) p.refobjid)
                   WHEN p.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::regclass THEN
                       (SELECT CASE WHEN t.typrelid OPERATOR(pg_catalog.<>) 0 THEN t.typrelid ELSE e.typrelid END
                          FROM pg_type t
                          LEFT JOIN pg_type e ON e.oid OPERATOR(pg_catalog.=) t.typelem
                         WHERE t.oid OPERATOR(pg_catalog.=) p.refobjid)
                   WHEN p.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_rewrite'::regclass THEN
                       (SELECT w.ev_class FROM pg_rewrite w WHERE w.oid OPERATOR(pg_catalog.=) p.refobjid)
                   END AS relid
              FROM probed p) AS r
      JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) r.relid
     WHERE c.relnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
       AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'v', 'm', 'S', 'c', 'f']::"char"[])
       AND NOT EXISTS (SELECT FROM own WHERE own.oid OPERATOR(pg_catalog.=) c.oid)
    UNION
    SELECT c.oid, c.relname, c.relkind, c.reltype
      FROM pg_type t
      JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) t.typrelid
     WHERE NOT ($2::text[] IS NULL) AND $3::boolean AND t.typnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
       AND t.typtype OPERATOR(pg_catalog.=) 'c' AND c.relkind OPERATOR(pg_catalog.=) 'c'
), on_rels AS (  -- the addresses of the relations' objects
    SELECT 'pg_catalog.pg_class'::regclass AS classid, c.oid AS objid, 0 AS objsubid,
           CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'v' THEN 'VIEW'
                WHEN c.relkind OPERATOR(pg_catalog.=) 'm' THEN 'MATERIALIZED VIEW'
                WHEN c.relkind OPERATOR(pg_catalog.=) 'S' THEN 'SEQUENCE'
                WHEN c.relkind OPERATOR(pg_catalog.=) 'c' THEN 'TYPE'
                ELSE 'TABLE' END AS object_type,
           NULL::name AS table_name, c.relname AS name,
           CASE WHEN c.relkind OPERATOR(pg_catalog.<>) 'c' THEN c.relname END AS rel
      FROM rels c
     WHERE c.relkind OPERATOR(pg_catalog.<>) 'f'  -- not managed; their columns, triggers, ... are addressed
    UNION ALL
    SELECT 'pg_catalog.pg_class'::regclass, i.oid,  0,
           CASE WHEN k.oid IS NOT NULL THEN 'CONSTRAINT' ELSE 'INDEX' END,
           c.relname, coalesce(k.conname, i.relname), c.relname
      FROM rels c
      JOIN pg_index x ON x.indrelid OPERATOR(pg_catalog.=) c.oid
      JOIN pg_class i ON i.oid OPERATOR(pg_catalog.=) x.indexrelid
      LEFT JOIN pg_constraint k ON k.conrelid OPERATOR(pg_catalog.=) x.indrelid AND k.conindid OPERATOR(pg_catalog.=) x.indexrelid
                               AND k.contype OPERATOR(pg_catalog.=) ANY (ARRAY['p', 'u', 'x']::"char"[])
    UNION ALL
    SELECT 'pg_catalog.pg_class'::regclass, c.oid, a.attnum,
           CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'v' THEN 'VIEW' WHEN c.relkind OPERATOR(pg_catalog.=) 'm' THEN 'MATERIALIZED VIEW'
                          WHEN c.relkind OPERATOR(pg_catalog.=) 'c' THEN 'TYPE' ELSE 'COLUMN' END,
           CASE WHEN c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::"char"[]) THEN c.relname END,
           CASE WHEN c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::"char"[]) THEN a.attname ELSE c.relname END,
           CASE WHEN c.relkind OPERATOR(pg_catalog.<>) 'c' THEN c.relname END
      FROM rels c
      JOIN pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid AND a.attnum OPERATOR(pg_catalog.>) 0
     WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'v', 'm', 'c']::"char"[])
    UNION ALL
    SELECT 'pg_catalog.pg_attrdef'::regclass, d.oid, 0, 'COLUMN', c.relname, a.attname, c.relname
      FROM rels c
      JOIN pg_attrdef d ON d.adrelid OPERATOR(pg_catalog.=) c.oid
      JOIN pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) d.adrelid AND a.attnum OPERATOR(pg_catalog.=) d.adnum
    UNION ALL
    SELECT 'pg_catalog.pg_constraint'::regclass, k.oid, 0, 'CONSTRAINT', c.relname, k.conname, c.relname
      FROM rels c
      JOIN pg_constraint k ON k.conrelid OPERATOR(pg_catalog.=) c.oid
    UNION ALL  -- a relation's row type and its array (unnest in the select list: no join to plan)
    SELECT 'pg_catalog.pg_type'::regclass, t.oid, 0,
           CASE WHEN t.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::"char"[]) THEN 'TABLE'
                WHEN t.relkind OPERATOR(pg_catalog.=) 'v' THEN 'VIEW'
                WHEN t.relkind OPERATOR(pg_catalog.=) 'm' THEN 'MATERIALIZED VIEW' ELSE 'TYPE' END,
           NULL, t.relname, CASE WHEN t.relkind OPERATOR(pg_catalog.<>) 'c' THEN t.relname END
      FROM (SELECT c.relkind, c.relname, pg_catalog.unnest(ARRAY[b.oid, b.typarray]) AS oid
              FROM rels c JOIN pg_type b ON b.oid OPERATOR(pg_catalog.=) c.reltype) AS t
     WHERE t.oid OPERATOR(pg_catalog.<>) 0
    UNION ALL
    SELECT 'pg_catalog.pg_trigger'::regclass, g.oid, 0, 'TRIGGER', c.relname, g.tgname, c.relname
      FROM rels c
      JOIN pg_trigger g ON g.tgrelid OPERATOR(pg_catalog.=) c.oid
     WHERE NOT g.tgisinternal  -- (a foreign key's: nothing of the schema depends on them, nor they on it)
    UNION ALL
    SELECT 'pg_catalog.pg_policy'::regclass, p.oid, 0, 'POLICY', c.relname, p.polname, c.relname
      FROM rels c
      JOIN pg_policy p ON p.polrelid OPERATOR(pg_catalog.=) c.oid
    UNION ALL
    SELECT 'pg_catalog.pg_rewrite'::regclass, w.oid, 0,
           CASE WHEN w.rulename OPERATOR(pg_catalog.<>) '_RETURN' THEN 'RULE'
                WHEN c.relkind OPERATOR(pg_catalog.=) 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END,
           CASE WHEN w.rulename OPERATOR(pg_catalog.<>) '_RETURN' THEN c.relname END,
           CASE WHEN w.rulename OPERATOR(pg_catalog.<>) '_RETURN' THEN w.rulename ELSE c.relname END, c.relname
      FROM rels c
      JOIN pg_rewrite w ON w.ev_class OPERATOR(pg_catalog.=) c.oid
     WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['v', 'm']::"char"[]) OR w.rulename OPERATOR(pg_catalog.<>) '_RETURN'
), used AS (  -- (without $3) the functions and types they depend on
    SELECT DISTINCT p.refclassid, p.refobjid FROM probed p
     WHERE NOT $3::boolean
       AND p.refclassid OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.pg_type'::regclass, 'pg_catalog.pg_proc'::regclass])
), types AS (  -- the types (not relations' row types, nor arrays) of the schema, or those used
    SELECT b.oid, b.typtype, b.typname, b.typarray FROM pg_type b
     WHERE ($2::text[] IS NULL OR $3::boolean) AND b.typnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
       AND b.typrelid OPERATOR(pg_catalog.=) 0
       AND NOT (b.typelem OPERATOR(pg_catalog.<>) 0 AND b.typsubscript OPERATOR(pg_catalog.=) 'pg_catalog.array_subscript_handler'::regproc)
    UNION  -- (an array used: its element type)
    SELECT b.oid, b.typtype, b.typname, b.typarray
      FROM used u
      JOIN pg_type x ON x.oid OPERATOR(pg_catalog.=) u.refobjid
      JOIN pg_type b ON b.oid OPERATOR(pg_catalog.=) CASE WHEN x.typelem OPERATOR(pg_catalog.<>) 0 AND x.typsubscript OPERATOR(pg_catalog.=) 'pg_catalog.array_subscript_handler'::regproc
                                                        THEN x.typelem ELSE x.oid END
     WHERE u.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::regclass
       AND b.typnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp) AND b.typrelid OPERATOR(pg_catalog.=) 0
), procs AS (  -- the functions of the schema, or those used
    SELECT p.oid, p.prokind FROM pg_proc p
     WHERE ($2::text[] IS NULL OR $3::boolean) AND p.pronamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
    UNION ALL
    SELECT p.oid, p.prokind
      FROM used u JOIN pg_proc p ON p.oid OPERATOR(pg_catalog.=) u.refobjid
     WHERE u.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::regclass
       AND p.pronamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
), objects AS MATERIALIZED (
    SELECT classid, objid, objsubid, object_type, table_name, name, rel,
           object_type OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) coalesce(table_name OPERATOR(pg_catalog.||) '.', '') OPERATOR(pg_catalog.||) name AS key
      FROM (
        SELECT * FROM on_rels
        UNION ALL
        SELECT 'pg_catalog.pg_constraint'::regclass, k.oid, 0, 'DOMAIN', NULL, t.typname, NULL
          FROM pg_type t
          JOIN pg_constraint k ON k.conrelid OPERATOR(pg_catalog.=) 0 AND k.contypid OPERATOR(pg_catalog.=) t.oid
         WHERE t.typnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp) AND k.connamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
           AND ($2::text[] IS NULL OR $3::boolean)  -- (nothing of a relation depends on one)
        UNION ALL  -- every other type of the schema, and its array
        SELECT 'pg_catalog.pg_type'::regclass, t.oid, 0,
               CASE WHEN t.typtype OPERATOR(pg_catalog.=) 'd' THEN 'DOMAIN' ELSE 'TYPE' END, NULL, t.typname, NULL
          FROM (SELECT b.typtype, b.typname, pg_catalog.unnest(ARRAY[b.oid, b.typarray]) AS oid FROM types b) AS t
         WHERE t.oid OPERATOR(pg_catalog.<>) 0
        UNION ALL
        SELECT 'pg_catalog.pg_proc'::regclass, p.oid, 0,
               CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
               NULL, p.oid::regprocedure::text, NULL
          FROM procs p
        UNION ALL
        SELECT 'pg_catalog.pg_statistic_ext'::regclass, s.oid, 0, 'STATISTICS', NULL, s.stxname, NULL
          FROM pg_statistic_ext s
         WHERE s.stxnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
      ) AS addresses
)
