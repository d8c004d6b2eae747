"""Re-index every searchable record (after a bulk load, a restore, or a change to what the index holds)."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from search import indexing
from search.models import SearchEntry


class Command(BaseCommand):
    help = "Rebuild the site search index from the records (safe to run at any time; PDFs already read are not read again)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", choices=SearchEntry.Kind.values, help="Only this kind (repeatable).")

    def handle(self, *args, kind=None, **options):
        started = time.monotonic()
        with transaction.atomic():
            counts = indexing.rebuild(kind, stdout=self.stdout if options["verbosity"] > 1 else None)
        total = sum(counts.values())
        self.stdout.write(f"Indexed {total:,} records in {time.monotonic() - started:.1f}s.")
