"""Settings of a small Django site whose database comes from libpq's environment.

PGHOST, PGPORT, PGDATABASE and PGUSER name the database. PGOPTIONS, when set (for
instance to what `SELECT pggit.connection_options('feature')` returns), is read by libpq
itself, so the whole process is on that pggit branch.
"""
import os

SECRET_KEY = "test-only, not secret"
DEBUG = False
ALLOWED_HOSTS = []
USE_TZ = True
TIME_ZONE = "UTC"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "shop",
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("PGHOST", ""),
        "PORT": os.environ.get("PGPORT", ""),
        "NAME": os.environ.get("PGDATABASE", "postgres"),
        "USER": os.environ.get("PGUSER", ""),
        "PASSWORD": os.environ.get("PGPASSWORD", ""),
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
