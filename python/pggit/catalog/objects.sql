-- Address book of one schema: every pg_depend / pg_description address of an object
-- of the schema, mapped to the model key of the object that owns it. Other queries
-- use it as the CTE `objects`; it is never run alone.
SELECT classid, objid, objsubid, object_type, table_name, name,
       object_type || ' ' || coalesce(table_name || '.', '') || name AS key
  FROM (
    SELECT 'pg_class'::regclass AS classid, c.oid AS objid, 0 AS objsubid,
           CASE WHEN k.oid IS NOT NULL THEN 'CONSTRAINT'
                WHEN c.relkind IN ('i', 'I') THEN 'INDEX'
                WHEN c.relkind = 'v' THEN 'VIEW'
                WHEN c.relkind = 'm' THEN 'MATERIALIZED VIEW'
                WHEN c.relkind = 'S' THEN 'SEQUENCE'
                WHEN c.relkind = 'c' THEN 'TYPE'
                ELSE 'TABLE' END AS object_type,
           t.relname AS table_name,
           coalesce(k.conname, c.relname) AS name
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_index x ON x.indexrelid = c.oid
      LEFT JOIN pg_class t ON t.oid = x.indrelid
      LEFT JOIN pg_constraint k ON k.conindid = c.oid AND k.conrelid = x.indrelid
                               AND k.contype IN ('p', 'u', 'x')
     WHERE n.nspname = $1::name AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'i', 'I', 'c')
    UNION ALL
    SELECT 'pg_class'::regclass, c.oid, a.attnum,
           CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                          WHEN 'c' THEN 'TYPE' ELSE 'COLUMN' END,
           CASE WHEN c.relkind IN ('r', 'p') THEN c.relname END,
           CASE WHEN c.relkind IN ('r', 'p') THEN a.attname ELSE c.relname END
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1::name AND a.attnum > 0 AND c.relkind IN ('r', 'p', 'v', 'm', 'c')
    UNION ALL
    SELECT 'pg_attrdef'::regclass, d.oid, 0, 'COLUMN', c.relname, a.attname
      FROM pg_attrdef d
      JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
      JOIN pg_class c ON c.oid = d.adrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1::name
    UNION ALL
    SELECT 'pg_constraint'::regclass, k.oid, 0,
           CASE WHEN k.conrelid <> 0 THEN 'CONSTRAINT' ELSE 'DOMAIN' END,
           c.relname, coalesce(CASE WHEN k.conrelid <> 0 THEN k.conname END, t.typname)
      FROM pg_constraint k
      JOIN pg_namespace n ON n.oid = k.connamespace
      LEFT JOIN pg_class c ON c.oid = k.conrelid
      LEFT JOIN pg_type t ON t.oid = k.contypid
     WHERE n.nspname = $1::name
    UNION ALL
    SELECT 'pg_type'::regclass, t.oid, 0,
           CASE WHEN r.relkind IN ('r', 'p') THEN 'TABLE'
                WHEN r.relkind = 'v' THEN 'VIEW'
                WHEN r.relkind = 'm' THEN 'MATERIALIZED VIEW'
                WHEN b.typtype = 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
           NULL, coalesce(r.relname, b.typname)
      FROM pg_type t
      JOIN pg_type b ON b.oid = CASE WHEN t.typelem <> 0 AND t.typsubscript = 'array_subscript_handler'::regproc
                                     THEN t.typelem ELSE t.oid END
      JOIN pg_namespace n ON n.oid = b.typnamespace
      LEFT JOIN pg_class r ON r.oid = b.typrelid
     WHERE n.nspname = $1::name
    UNION ALL
    SELECT 'pg_proc'::regclass, p.oid, 0,
           CASE WHEN p.prokind = 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
           NULL, p.oid::regprocedure::text
      FROM pg_proc p
      JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = $1::name
    UNION ALL
    SELECT 'pg_trigger'::regclass, g.oid, 0, 'TRIGGER', c.relname, g.tgname
      FROM pg_trigger g
      JOIN pg_class c ON c.oid = g.tgrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1::name
    UNION ALL
    SELECT 'pg_policy'::regclass, p.oid, 0, 'POLICY', c.relname, p.polname
      FROM pg_policy p
      JOIN pg_class c ON c.oid = p.polrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1::name
    UNION ALL
    SELECT 'pg_rewrite'::regclass, w.oid, 0,
           CASE WHEN c.relkind = 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END, NULL, c.relname
      FROM pg_rewrite w
      JOIN pg_class c ON c.oid = w.ev_class
      JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1::name AND c.relkind IN ('v', 'm')
  ) AS addresses
