"""Back up the database and every stored file (papers, packs, built PDFs) together, in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from committee.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the database (pg_dump custom format, or the SQLite file) and all media files to one .tar archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "archive", nargs="?", type=Path, help="Where to write it (default: var/backups/scrutiny-YYYY-MM-DD-HHMMSS.tar)."
        )

    def handle(self, *args, archive=None, **options):
        if archive is None:
            folder = Path("var/backups")
            folder.mkdir(parents=True, exist_ok=True)
            archive = folder / f"scrutiny-{timezone.localtime():%Y-%m-%d-%H%M%S}.tar"
        try:
            manifest = backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(f"Backed up {rows:,} rows in {len(manifest['tables'])} tables and {len(manifest['files']):,} files to {archive}")
