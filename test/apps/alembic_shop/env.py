"""Alembic's environment for the shop: online migrations only.

SHOP_DATABASE_URL names the database (postgresql+psycopg://...); without it, an empty
URL lets libpq take everything from PGHOST, PGPORT, PGDATABASE and PGUSER. libpq also
reads PGOPTIONS, which is how a pggit branch is chosen for the whole process.
"""
import os

from alembic import context
from sqlalchemy import create_engine, pool

from shop_models import metadata

config = context.config
url = os.environ.get("SHOP_DATABASE_URL", "postgresql+psycopg://")


def run_migrations_online() -> None:
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          compare_type=True, compare_server_default=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("the shop's migrations run online only")
run_migrations_online()
