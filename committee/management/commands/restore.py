"""Restore a backup made by `manage.py backup`: the database and every stored file, then check them."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from committee.backup import BackupError, read_manifest, restore, verify


class Command(BaseCommand):
    help = (
        "Restore an archive from `manage.py backup` into the database and media storage of these settings (REPLACING "
        "their contents), then compare every table's row count and every file's checksum with the archive. Stop the web "
        "processes and workers first; run `manage.py migrate` afterwards if the backup is from an older release."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, archive, yes, **options):
        try:
            manifest = read_manifest(archive)
        except (BackupError, FileNotFoundError, KeyError) as error:
            raise CommandError(f"{archive}: {error}") from error
        if not yes:
            answer = input(f"Replace this site's database and media with the backup of {manifest['created_at']}? Type yes: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing restored.")
        try:
            restore(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        problems = verify(manifest)
        if problems:
            raise CommandError("Restored, but it does not match the backup:\n" + "\n".join(problems))
        rows = sum(manifest["tables"].values())
        self.stdout.write(f"Restored {rows:,} rows and {len(manifest['files']):,} files from {archive}; every count and checksum matches.")
