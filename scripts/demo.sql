-- The pggit demo: what a developer types in psql.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;

\echo '== a shop database, then CREATE EXTENSION pggit and init(): public stays exactly as it is'
CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text);
CREATE TABLE orders (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users (id),
                     total numeric(10,2) NOT NULL CHECK (total >= 0));
INSERT INTO users (email, name) VALUES ('ann@example.com', 'Ann'), ('bob@example.com', 'Bob');
INSERT INTO orders (user_id, total) VALUES (1, 9.50), (2, 20.00);
CREATE EXTENSION pggit CASCADE;
SELECT pggit.init();
SELECT relname, relkind FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY 1;

\echo '== create a branch and switch to it'
SELECT pggit.create_branch('feature/users-api', 'main');
SELECT pggit.switch_branch('feature/users-api');

\echo '== change tables as usual: only the branch changes'
ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL DEFAULT false;
CREATE INDEX idx_users_email ON users (email);
CREATE TABLE posts (id serial PRIMARY KEY, user_id int REFERENCES users (id), body text);
INSERT INTO posts (user_id, body) VALUES (1, 'hello from the branch');

\echo '== an app or a migration tool reaches the branch with these libpq options (PGOPTIONS)'
SELECT pggit.connection_options('feature/users-api');

\echo '== main still has its own schema and rows'
SELECT pggit.switch_branch('main');
SELECT id, email, name FROM users ORDER BY id;
SELECT to_regclass('posts') AS posts_on_main;

\echo '== diff the branch against main'
SELECT change_type, object_type, object_name, hazards FROM pggit.schema_diff('main', 'feature/users-api');
SELECT pggit.schema_diff_sql('main', 'feature/users-api') AS patch \gset
\echo :patch

\echo '== merge it back: three-way, applied to main in place'
SELECT status, conflicts, message FROM pggit.merge('feature/users-api', 'main');
SELECT id, email, email_verified FROM users ORDER BY id;
SELECT count(*) AS differences_left FROM pggit.schema_diff('main', 'feature/users-api');

\echo '== a conflict: both sides change the same column differently'
SELECT pggit.create_branch('feature/names');
SELECT pggit.switch_branch('feature/names');
ALTER TABLE users ALTER COLUMN name TYPE varchar(80);
SELECT pggit.switch_branch('main');
ALTER TABLE users ALTER COLUMN name TYPE varchar(120);
SELECT status, conflicts FROM pggit.merge('feature/names', 'main');
SELECT object_type, object_name, description FROM pggit.conflicts('feature/names', 'main');
SELECT status, conflicts FROM pggit.merge('feature/names', 'main', strategy => 'theirs');
SELECT format_type(atttypid, atttypmod) AS users_name_type
  FROM pg_attribute WHERE attrelid = 'public.users'::regclass AND attname = 'name';

\echo '== history'
SELECT left(hash, 10) AS commit, cardinality(parents) AS parents, message FROM pggit.log('main');
SELECT name, parent, is_current FROM pggit.list_branches();
