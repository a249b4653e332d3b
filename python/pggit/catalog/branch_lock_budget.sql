-- About how many locks create_branch of schema $1 holds in its one transaction (every
-- relation of the parent is read, and every copy made with its TOAST table and index,
-- each locked until commit), and the setting and connection slots that size the
-- server's shared lock table.
SELECT (2 * count(*) + 2 * count(*) FILTER (WHERE c.reltoastrelid <> 0))::bigint AS needed,
       (SELECT setting::bigint FROM pg_settings WHERE name = 'max_locks_per_transaction') AS per_transaction,
       (SELECT sum(setting::bigint)::bigint FROM pg_settings
         WHERE name IN ('max_connections', 'max_prepared_transactions', 'autovacuum_max_workers',
                        'max_worker_processes', 'max_wal_senders')) AS slots
  FROM pg_class c
 WHERE c.relnamespace = $1::regnamespace
