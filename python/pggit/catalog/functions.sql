-- Functions, procedures and aggregates of one schema. An aggregate's definition is
-- written out here from pg_aggregate (pg_get_functiondef refuses aggregates), with
-- every option spelled out so that two equal aggregates read the same.
SELECT p.proname AS name,
       p.oid::regprocedure::text AS signature,
       p.prokind AS kind,
       pg_catalog.pg_get_function_arguments(p.oid) AS arguments,
       pg_catalog.pg_get_function_result(p.oid) AS result,
       pg_catalog.pg_get_userbyid(p.proowner)::text AS owner,
       CASE WHEN p.prokind OPERATOR(pg_catalog.<>) 'a' THEN pg_catalog.pg_get_functiondef(p.oid)
            ELSE 'CREATE AGGREGATE ' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(p.proname) OPERATOR(pg_catalog.||) '('
                 OPERATOR(pg_catalog.||) coalesce(NULLIF(pg_catalog.pg_get_function_arguments(p.oid), ''), '*')
                 OPERATOR(pg_catalog.||) ') (' OPERATOR(pg_catalog.||) pg_catalog.concat_ws(', ',
                   'SFUNC = ' OPERATOR(pg_catalog.||) a.aggtransfn::text,
                   'STYPE = ' OPERATOR(pg_catalog.||) pg_catalog.format_type(a.aggtranstype, NULL),
                   CASE WHEN a.aggtransspace OPERATOR(pg_catalog.<>) 0 THEN 'SSPACE = ' OPERATOR(pg_catalog.||) a.aggtransspace END,
                   CASE WHEN a.aggfinalfn OPERATOR(pg_catalog.<>) 0 THEN 'FINALFUNC = ' OPERATOR(pg_catalog.||) a.aggfinalfn::text END,
                   CASE WHEN a.aggfinalextra THEN 'FINALFUNC_EXTRA' END,
                   CASE WHEN a.aggfinalfn OPERATOR(pg_catalog.<>) 0 THEN 'FINALFUNC_MODIFY = '
                        OPERATOR(pg_catalog.||) CASE a.aggfinalmodify WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END END,
                   CASE WHEN a.aggcombinefn OPERATOR(pg_catalog.<>) 0 THEN 'COMBINEFUNC = ' OPERATOR(pg_catalog.||) a.aggcombinefn::text END,
                   CASE WHEN a.aggserialfn OPERATOR(pg_catalog.<>) 0 THEN 'SERIALFUNC = ' OPERATOR(pg_catalog.||) a.aggserialfn::text END,
                   CASE WHEN a.aggdeserialfn OPERATOR(pg_catalog.<>) 0 THEN 'DESERIALFUNC = ' OPERATOR(pg_catalog.||) a.aggdeserialfn::text END,
                   CASE WHEN a.agginitval IS NOT NULL THEN 'INITCOND = ' OPERATOR(pg_catalog.||) pg_catalog.quote_literal(a.agginitval) END,
                   CASE WHEN a.aggmtransfn OPERATOR(pg_catalog.<>) 0 THEN 'MSFUNC = ' OPERATOR(pg_catalog.||) a.aggmtransfn::text
                        OPERATOR(pg_catalog.||) ', MINVFUNC = ' OPERATOR(pg_catalog.||) a.aggminvtransfn::text
                        OPERATOR(pg_catalog.||) ', MSTYPE = ' OPERATOR(pg_catalog.||) pg_catalog.format_type(a.aggmtranstype, NULL) END,
                   CASE WHEN a.aggmtransspace OPERATOR(pg_catalog.<>) 0 THEN 'MSSPACE = ' OPERATOR(pg_catalog.||) a.aggmtransspace END,
                   CASE WHEN a.aggmfinalfn OPERATOR(pg_catalog.<>) 0 THEN 'MFINALFUNC = ' OPERATOR(pg_catalog.||) a.aggmfinalfn::text END,
                   CASE WHEN a.aggmfinalextra THEN 'MFINALFUNC_EXTRA' END,
                   CASE WHEN a.aggminitval IS NOT NULL THEN 'MINITCOND = ' OPERATOR(pg_catalog.||) pg_catalog.quote_literal(a.aggminitval) END,
                   CASE WHEN a.aggsortop OPERATOR(pg_catalog.<>) 0 THEN 'SORTOP = OPERATOR(' OPERATOR(pg_catalog.||)
                        (SELECT pg_catalog.quote_ident(on_.nspname) OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) o.oprname
                           FROM pg_operator o JOIN pg_namespace on_ ON on_.oid OPERATOR(pg_catalog.=) o.oprnamespace
                          WHERE o.oid OPERATOR(pg_catalog.=) a.aggsortop) OPERATOR(pg_catalog.||) ')' END,
                   CASE p.proparallel WHEN 's' THEN 'PARALLEL = SAFE' WHEN 'r' THEN 'PARALLEL = RESTRICTED' END,
                   CASE WHEN a.aggkind OPERATOR(pg_catalog.=) 'h' THEN 'HYPOTHETICAL' END)
                 OPERATOR(pg_catalog.||) ')'
       END AS definition
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
  LEFT JOIN pg_aggregate a ON a.aggfnoid OPERATOR(pg_catalog.=) p.oid
 WHERE n.nspname OPERATOR(pg_catalog.=) $1::name
   AND p.prokind OPERATOR(pg_catalog.=) ANY (ARRAY['f', 'p', 'w', 'a']::"char"[])
   AND NOT EXISTS (SELECT 1 FROM pg_depend e
                    WHERE e.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::regclass AND e.objid OPERATOR(pg_catalog.=) p.oid
                      AND e.deptype OPERATOR(pg_catalog.=) ANY (ARRAY['e', 'i']::"char"[]))  -- an extension's; a range type's constructors
 ORDER BY 2
