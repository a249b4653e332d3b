-- The pggit demo: what a developer types in psql.
\pset footer off
\echo '== CREATE EXTENSION pggit CASCADE'
CREATE EXTENSION pggit CASCADE;
SELECT pggit.version() AS version, pggit.current_branch() AS branch;

\echo '== a session picks its branch with a setting'
SET pggit.current_branch = 'feature/users-api';
SELECT pggit.context();
RESET pggit.current_branch;

\echo '== branches known to pggit'
SELECT name, schema_name, created_at::date FROM pggit.branches;
