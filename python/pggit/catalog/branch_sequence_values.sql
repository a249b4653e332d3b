-- setval() calls that carry a schema's sequences over to another schema ($2),
-- for the sequences that have been used.
SELECT pg_catalog.format('SELECT setval(%L, %s, true)',
              pg_catalog.quote_ident($2::text) || '.' || pg_catalog.quote_ident(s.sequencename), s.last_value) AS statement
  FROM pg_sequences s
 WHERE s.schemaname = $1::name AND s.last_value IS NOT NULL
 ORDER BY s.sequencename
