#!/usr/bin/env python3
"""The Django shop's manage.py: `python manage.py migrate` and friends.

The database comes from libpq's environment (PGHOST, PGPORT, PGDATABASE, PGUSER, and
PGOPTIONS, which is how a process is put on a pggit branch).
"""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopsite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
