"""Remove stored files no record points to (papers deleted or replaced, packs and built PDFs pruned)."""

import datetime

from django.core.management.base import BaseCommand

from committee.media import remove_orphaned_media
from committee.printing import built_pdfs_prune


class Command(BaseCommand):
    help = (
        "Delete built PDFs of superseded data versions, then every stored file that no record points to and that is "
        "older than --older-than-hours (default 24: a file younger may belong to an upload or build in progress)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=float, default=24)
        parser.add_argument("--dry-run", action="store_true", help="List what would be removed; change nothing.")

    def handle(self, *args, older_than_hours, dry_run, **options):
        grace = datetime.timedelta(hours=max(older_than_hours, 0))
        pruned = 0 if dry_run else built_pdfs_prune(older_than=grace)
        result = remove_orphaned_media(dry_run=dry_run, grace=grace)
        for name in result["files"]:
            self.stdout.write(f"  {name}")
        verb = "would be removed" if dry_run else "removed"
        self.stdout.write(f"{pruned} superseded built PDFs deleted; {result['removed']} orphaned files ({result['bytes']:,} bytes) {verb}.")
