-- Address book of one schema: every pg_depend / pg_description address of an object
-- of the schema, mapped to the model key of the object that owns it, and `rel`: the
-- relation (table, view, sequence) it belongs to, NULL for functions, types and
-- statistics. $3 (text[]): only addresses of these relations' objects, and of every
-- function, type and statistics object (NULL: all). Other queries use it as the CTE
-- `objects`; it is never run alone.
SELECT classid, objid, objsubid, object_type, table_name, name, rel,
       object_type OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) coalesce(table_name OPERATOR(pg_catalog.||) '.', '') OPERATOR(pg_catalog.||) name AS key
  FROM (
    SELECT 'pg_catalog.pg_class'::regclass AS classid, c.oid AS objid, 0 AS objsubid,
           CASE WHEN k.oid IS NOT NULL THEN 'CONSTRAINT'
                WHEN c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['i', 'I']::"char"[]) THEN 'INDEX'
                WHEN c.relkind OPERATOR(pg_catalog.=) 'v' THEN 'VIEW'
                WHEN c.relkind OPERATOR(pg_catalog.=) 'm' THEN 'MATERIALIZED VIEW'
                WHEN c.relkind OPERATOR(pg_catalog.=) 'S' THEN 'SEQUENCE'
                WHEN c.relkind OPERATOR(pg_catalog.=) 'c' THEN 'TYPE'
                ELSE 'TABLE' END AS object_type,
           t.relname AS table_name,
           coalesce(k.conname, c.relname) AS name,
           CASE WHEN c.relkind OPERATOR(pg_catalog.<>) 'c' THEN coalesce(t.relname, c.relname) END AS rel
      FROM pg_class c
      JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
      LEFT JOIN pg_index x ON x.indexrelid OPERATOR(pg_catalog.=) c.oid
      LEFT JOIN pg_class t ON t.oid OPERATOR(pg_catalog.=) x.indrelid
      LEFT JOIN pg_constraint k ON k.conindid OPERATOR(pg_catalog.=) c.oid AND k.conrelid OPERATOR(pg_catalog.=) x.indrelid
                               AND k.contype OPERATOR(pg_catalog.=) ANY (ARRAY['p', 'u', 'x']::"char"[])
     WHERE n.nspname OPERATOR(pg_catalog.=) $1::name AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'v', 'm', 'S', 'i', 'I', 'c']::"char"[])
       AND ($3::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($3::text[]::name[])) OR c.relkind OPERATOR(pg_catalog.=) 'c'
            OR t.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($3::text[]::name[])))
    UNION ALL
    SELECT 'pg_catalog.pg_class'::regclass, c.oid, a.attnum,
           CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'v' THEN 'VIEW' WHEN c.relkind OPERATOR(pg_catalog.=) 'm' THEN 'MATERIALIZED VIEW'
                          WHEN c.relkind OPERATOR(pg_catalog.=) 'c' THEN 'TYPE' ELSE 'COLUMN' END,
           CASE WHEN c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::"char"[]) THEN c.relname END,
           CASE WHEN c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::"char"[]) THEN a.attname ELSE c.relname END,
           CASE WHEN c.relkind OPERATOR(pg_catalog.<>) 'c' THEN c.relname END
      FROM pg_attribute a
      JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) a.attrelid
      JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
     WHERE n.nspname OPERATOR(pg_catalog.=) $1::name AND a.attnum OPERATOR(pg_catalog.>) 0 AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'v', 'm', 'c']::"char"[])
       AND ($3::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($3::text[]::name[])) OR c.relkind OPERATOR(pg_catalog.=) 'c')
    UNION ALL
    SELECT 'pg_catalog.pg_attrdef'::regclass, d.oid, 0, 'COLUMN', c.relname, a.attname, c.relname
      FROM pg_attrdef d
      JOIN pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) d.adrelid AND a.attnum OPERATOR(pg_catalog.=) d.adnum
      JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) d.adrelid
      JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
     WHERE n.nspname OPERATOR(pg_catalog.=) $1::name AND ($3::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($3::text[]::name[])))
    UNION ALL
    SELECT 'pg_catalog.pg_constraint'::regclass, k.oid, 0,
           CASE WHEN k.conrelid OPERATOR(pg_catalog.<>) 0 THEN 'CONSTRAINT' ELSE 'DOMAIN' END,
           c.relname, coalesce(CASE WHEN k.conrelid OPERATOR(pg_catalog.<>) 0 THEN k.conname END, t.typname), c.relname
      FROM pg_constraint k
      JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) k.connamespace
      LEFT JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) k.conrelid
      LEFT JOIN pg_type t ON t.oid OPERATOR(pg_catalog.=) k.contypid
     WHERE n.nspname OPERATOR(pg_catalog.=) $1::name AND ($3::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($3::text[]::name[])) OR k.conrelid OPERATOR(pg_catalog.=) 0)
    UNION ALL
    SELECT 'pg_catalog.pg_type'::regclass, t.oid, 0,
           CASE WHEN r.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p']::"char"[]) THEN 'TABLE'
                WHEN r.relkind OPERATOR(pg_catalog.=) 'v' THEN 'VIEW'
                WHEN r.relkind OPERATOR(pg_catalog.=) 'm' THEN 'MATERIALIZED VIEW'
                WHEN b.typtype OPERATOR(pg_catalog.=) 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
           NULL, coalesce(r.relname, b.typname),
           CASE WHEN r.relkind OPERATOR(pg_catalog.<>) 'c' THEN r.relname END
      FROM pg_type t
      JOIN pg_type b ON b.oid OPERATOR(pg_catalog.=) CASE WHEN t.typelem OPERATOR(pg_catalog.<>) 0 AND t.typsubscript OPERATOR(pg_catalog.=) 'pg_catalog.array_subscript_handler'::regproc
                                     THEN t.typelem ELSE t.oid END
      JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) b.typnamespace
      LEFT JOIN pg_class r ON r.oid OPERATOR(pg_catalog.=) b.typrelid
     WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
       AND ($3::text[] IS NULL OR r.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($3::text[]::name[])) OR r.oid IS NULL OR r.relkind OPERATOR(pg_catalog.=) 'c')
    UNION ALL
    SELECT 'pg_catalog.pg_proc'::regclass, p.oid, 0,
           CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END,
           NULL, p.oid::regprocedure::text, NULL
      FROM pg_proc p
      JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
     WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
    UNION ALL
    SELECT 'pg_catalog.pg_trigger'::regclass, g.oid, 0, 'TRIGGER', c.relname, g.tgname, c.relname
      FROM pg_trigger g
      JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) g.tgrelid
      JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
     WHERE n.nspname OPERATOR(pg_catalog.=) $1::name AND ($3::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($3::text[]::name[])))
    UNION ALL
    SELECT 'pg_catalog.pg_policy'::regclass, p.oid, 0, 'POLICY', c.relname, p.polname, c.relname
      FROM pg_policy p
      JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) p.polrelid
      JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
     WHERE n.nspname OPERATOR(pg_catalog.=) $1::name AND ($3::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($3::text[]::name[])))
    UNION ALL
    SELECT 'pg_catalog.pg_rewrite'::regclass, w.oid, 0,
           CASE WHEN w.rulename OPERATOR(pg_catalog.<>) '_RETURN' THEN 'RULE'
                WHEN c.relkind OPERATOR(pg_catalog.=) 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END,
           CASE WHEN w.rulename OPERATOR(pg_catalog.<>) '_RETURN' THEN c.relname END,
           CASE WHEN w.rulename OPERATOR(pg_catalog.<>) '_RETURN' THEN w.rulename ELSE c.relname END, c.relname
      FROM pg_rewrite w
      JOIN pg_class c ON c.oid OPERATOR(pg_catalog.=) w.ev_class
      JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
     WHERE n.nspname OPERATOR(pg_catalog.=) $1::name AND ($3::text[] IS NULL OR c.relname OPERATOR(pg_catalog.=) ANY (SELECT pg_catalog.unnest($3::text[]::name[])))
       AND (c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['v', 'm']::"char"[]) OR w.rulename OPERATOR(pg_catalog.<>) '_RETURN')
    UNION ALL
    SELECT 'pg_catalog.pg_statistic_ext'::regclass, s.oid, 0, 'STATISTICS', NULL, s.stxname, NULL
      FROM pg_statistic_ext s
      JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) s.stxnamespace
     WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
  ) AS addresses
