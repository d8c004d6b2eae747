"""`make bench` / `python -m bench [--reuse] [suite ...]`: build decade-sized data, serve it, time pages against the floor."""

import importlib
import os
import pkgutil
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"

import django  # noqa: E402

import bench.suites  # noqa: E402
from bench.harness import Server, print_table  # noqa: E402


def ensure_database():
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname="postgres", user=db["USER"], host=db["HOST"] or None, port=db["PORT"] or None, password=db["PASSWORD"] or None
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    conn.close()


def main(argv):
    django.setup()
    ensure_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # --reuse: time the data an earlier run built (while working on one page), without building it again.
    reuse = "--reuse" in argv
    names = [a for a in argv if not a.startswith("--")] or [m.name for m in pkgutil.iter_modules(bench.suites.__path__)]
    suites = [importlib.import_module(f"bench.suites.{name}") for name in names]
    for suite in suites if not reuse else []:
        print(f"preparing {suite.__name__.rsplit('.', 1)[-1]} …", flush=True)
        suite.prepare()
    # Bulk-loaded tables have no planner statistics and no visibility map until autovacuum gets to them; production's
    # tables have both (without the map, a count an index could answer alone reads every row it counts as well).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    results = []
    own_server = [suite for suite in suites if getattr(suite, "SERVER", None)]  # concurrency: gunicorn, its own tables
    waitress = [suite for suite in suites if suite not in own_server]
    if waitress:
        with Server():
            for suite in waitress:
                results.extend(suite.run())
        print()
        print_table(results)
    for suite in own_server:
        suite.run()


if __name__ == "__main__":
    main(sys.argv[1:])
