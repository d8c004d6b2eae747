from django.core.management.base import BaseCommand, CommandError

from complaints import services


class Command(BaseCommand):
    help = (
        "Remove the personal data (and its change history) of complaints closed more than --older-than-days ago "
        "(default settings.COMPLAINTS_RETENTION_DAYS, six years). The anonymous record stays for the statistics. "
        "Safe to run again: anonymised complaints are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, default=None, help="Default: settings.COMPLAINTS_RETENTION_DAYS (2192).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be anonymised; change nothing.")

    def handle(self, *args, older_than_days, dry_run, **options):
        days = services.retention_days() if older_than_days is None else older_than_days
        if days < 0:
            raise CommandError("--older-than-days cannot be negative.")
        count = services.complaints_anonymise_closed(older_than_days=days, dry_run=dry_run)
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(f"{count} complaint{'s' if count != 1 else ''} closed more than {days} days ago {verb}.")
