"""Backups of the whole record: the database and every stored file (papers, packs, built PDFs) in one archive.

The archive is a tar file:
  manifest.json      when, from which database engine, each table's row count, each file's size and SHA-256
  database.dump      PostgreSQL: `pg_dump --format=custom` (restored with pg_restore)
  database.sqlite3   SQLite (`make run` without DATABASE_URL): a consistent copy made with SQLite's backup API
  media/<name>       every file of the default storage (MEDIA_ROOT, or S3 through STORAGES), under its storage name

`manage.py backup` writes one; `manage.py restore` puts one back into the database and storage the settings name (an
empty database, or one to be replaced), then the counts and checksums are checked against the manifest.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from committee.media import stored_files

FORMAT = 1


class BackupError(Exception):
    """A backup or restore could not be done (the message says why)."""


def table_counts(using=None) -> dict[str, int]:
    """Rows in every table Django knows (models and many-to-many tables), from `using` (a DB-API connection) or Django's."""
    tables = sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)})
    counts = {}
    if using is None:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
    else:
        cursor = using.cursor()
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env(settings_dict: dict) -> dict:
    """libpq's environment for pg_dump/pg_restore from Django's connection settings (password never on a command line)."""
    env = {**os.environ, "PGDATABASE": settings_dict["NAME"]}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[var] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS", {}).get("options")
    if options:
        env["PGOPTIONS"] = options
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client, of the server's version or newer).")
    return found


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def backup(path: Path, *, storage=None) -> dict:
    """Write the database and every stored file to the archive at `path`; returns its manifest."""
    storage = storage or default_storage
    settings_dict = connection.settings_dict
    vendor = connection.vendor
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": vendor,
        "tables": table_counts(),
        "files": {},
    }
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(path, "w") as tar:
        if vendor == "postgresql":
            dump = Path(scratch) / "database.dump"
            command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"]
            result = subprocess.run(command, env=_pg_env(settings_dict), capture_output=True, text=True, check=False)
            if result.returncode:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
            tar.add(dump, "database.dump")
        elif vendor == "sqlite":
            copy = Path(scratch) / "database.sqlite3"
            source, target = sqlite3.connect(settings_dict["NAME"]), sqlite3.connect(copy)
            with target:
                source.backup(target)
            source.close()
            target.close()
            tar.add(copy, "database.sqlite3")
        else:
            raise BackupError(f"Backups of {vendor} databases are not supported.")
        for name in stored_files(storage):
            with storage.open(name, "rb") as handle:
                data = handle.read()
            manifest["files"][name] = {"size": len(data), "sha256": _sha256(data)}
            _add(tar, f"media/{name}", data)
        _add(tar, "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode())
    return manifest


def read_manifest(path: Path) -> dict:
    with tarfile.open(path, "r") as tar:
        member = tar.extractfile("manifest.json")
        if member is None:
            raise BackupError("The archive has no manifest.json: it is not a Scrutiny backup.")
        manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def restore(path: Path, *, storage=None) -> dict:
    """Put the archive's database and files back (into the database and storage the settings name). Returns the manifest."""
    storage = storage or default_storage
    manifest = read_manifest(path)
    vendor = connection.vendor
    if manifest["database"] != vendor:
        raise BackupError(f"The backup is of a {manifest['database']} database; this site uses {vendor}.")
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(path, "r") as tar:
        if vendor == "postgresql":
            tar.extract("database.dump", scratch, filter="data")
            connection.close()  # pg_restore replaces tables this process may hold open
            command = [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(Path(scratch) / "database.dump"),
            ]
            result = subprocess.run(command, env=_pg_env(connection.settings_dict), capture_output=True, text=True, check=False)
            if result.returncode:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        else:
            tar.extract("database.sqlite3", scratch, filter="data")
            connection.close()
            shutil.copyfile(Path(scratch) / "database.sqlite3", connection.settings_dict["NAME"])
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith("media/"):
                continue
            name = member.name.removeprefix("media/")
            data = tar.extractfile(member).read()
            if _sha256(data) != manifest["files"].get(name, {}).get("sha256"):
                raise BackupError(f"{name} in the archive does not match its checksum: the archive is damaged.")
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, ContentFile(data))
            if saved != name:
                raise BackupError(f"{name} could not be restored under its own name (stored as {saved}).")
    return manifest


def verify(manifest: dict, *, storage=None) -> list[str]:
    """Differences between the manifest and the database and storage as they are now ([] when everything matches)."""
    storage = storage or default_storage
    problems = []
    counts = table_counts()
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"{table}: {counts.get(table)} rows, the backup has {expected}")
    for name, expected in manifest["files"].items():
        if not storage.exists(name):
            problems.append(f"{name}: missing")
            continue
        with storage.open(name, "rb") as handle:
            if _sha256(handle.read()) != expected["sha256"]:
                problems.append(f"{name}: differs from the backup")
    return problems
