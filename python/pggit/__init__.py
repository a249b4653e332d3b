"""pggit: git for database schemas, inside PostgreSQL.

The same package runs inside the server (every plpython3u body of the extension
calls into `pggit.api`) and outside it through psycopg (tests, the command line).
"""

__version__ = "1.0.0"
