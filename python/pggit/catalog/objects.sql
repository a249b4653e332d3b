-- Address book of one schema (`objects`): every pg_depend / pg_description address
-- of an object of the schema, mapped to the model key of the object that owns it, and
-- `rel`: the relation (table, view, sequence) it belongs to, NULL for functions, types
-- and statistics. $3 (text[]): only addresses of these relations' objects (composite
-- types among them), and of every function, type and statistics object, and of every
-- composite type's if $4 (boolean; $3 NULL: all). Without $4, of the functions and
-- types only those the objects of relations $2 (text[], the relations read; the rest
-- of $3 is what they depend on) depend on: the other end of a dependency is all a
-- partial read wants of them. And (a partial read) `probed`: the dependencies of the
-- objects of relations $2, each looked up once.
--
-- Not a statement: the CTEs that comments.sql and depends.sql read (catalog._addressed
-- puts them together). Everything of a relation is reached from `rels` by the catalogs'
-- indexes on the relation's oid, `rels` from the names by pg_class's name index, and
-- functions and types from what depends on them by pg_depend's: a partial read costs
-- what it reads, not what the schema (or the database) holds.
nsp AS (
    SELECT n.oid FROM pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
), rels AS MATERIALIZED (  -- the relations read, and every composite type if types are read whole
    SELECT c.oid, c.relname, c.relkind, c.reltype
      FROM pg_class c
     WHERE c.relnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
       AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'v', 'm', 'S', 'c', 'f']::"char"[])
       AND ($3::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($3::text[]::name[])))
    UNION
    SELECT c.oid, c.relname, c.relkind, c.reltype
      FROM pg_type t
      JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) t.typrelid
     WHERE NOT ($3::text[] IS NULL) AND $4::boolean AND t.typnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
       AND t.typtype OPERATOR(pg_catalog.=) 'c' AND c.relkind OPERATOR(pg_catalog.=) 'c'
), on_rels AS MATERIALIZED (  -- the addresses of the relations' objects
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
), probed AS MATERIALIZED (  -- (a partial read) the dependencies of the relations read, by pg_depend's index
    SELECT a.classid, a.objid, a.objsubid, d.refclassid, d.refobjid, d.refobjsubid
      FROM on_rels a
     CROSS JOIN LATERAL (  -- (OFFSET 0: not a join over all of pg_depend)
           SELECT d.refclassid, d.refobjid, d.refobjsubid FROM pg_depend d
            WHERE d.classid OPERATOR(pg_catalog.=) a.classid AND d.objid OPERATOR(pg_catalog.=) a.objid
              AND d.objsubid OPERATOR(pg_catalog.=) a.objsubid AND d.deptype OPERATOR(pg_catalog.=) ANY (ARRAY['n', 'a']::"char"[])
           OFFSET 0) d
     WHERE NOT ($3::text[] IS NULL) AND a.rel OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($2::text[]::name[]))
), used AS (  -- (without $4) the functions and types they depend on
    SELECT DISTINCT p.refclassid, p.refobjid FROM probed p
     WHERE NOT $4::boolean
       AND p.refclassid OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.pg_type'::regclass, 'pg_catalog.pg_proc'::regclass])
), types AS (  -- the types (not relations' row types, nor arrays) of the schema, or those used
    SELECT b.oid, b.typtype, b.typname, b.typarray FROM pg_type b
     WHERE ($3::text[] IS NULL OR $4::boolean) AND b.typnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
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
     WHERE ($3::text[] IS NULL OR $4::boolean) AND p.pronamespace OPERATOR(pg_catalog.=) (SELECT oid FROM nsp)
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
           AND ($3::text[] IS NULL OR $4::boolean)  -- (nothing of a relation depends on one)
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
