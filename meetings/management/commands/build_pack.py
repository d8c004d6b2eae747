from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from committee.access import SYSTEM
from meetings import packs
from meetings.models import AgendaItem, AgendaPack, Meeting


class Command(BaseCommand):
    help = "Build a meeting's agenda pack in this process (a new version), optionally publishing it."

    def add_arguments(self, parser):
        parser.add_argument("meeting_id", type=int)
        parser.add_argument("--publish", action="store_true", help="Publish the new version once it is built.")
        parser.add_argument(
            "--supplementary",
            action="store_true",
            help="Build a supplementary pack of late reports (items marked 'to follow' with papers attached, or --item).",
        )
        parser.add_argument("--item", type=int, action="append", default=[], help="Agenda number for the supplementary pack (repeat).")

    def handle(self, *args, meeting_id, publish, supplementary, item, **options):
        meeting = Meeting.objects.filter(pk=meeting_id).select_related("committee").first()
        if meeting is None:
            raise CommandError(f"There is no meeting {meeting_id}.")
        kind = AgendaPack.Kind.SUPPLEMENTARY if supplementary else AgendaPack.Kind.MAIN
        items = list(AgendaItem.objects.filter(meeting=meeting, number__in=item)) if item else None
        try:
            built = packs.pack_build(meeting=meeting, kind=kind, items=items, publish=publish, background=False, by=SYSTEM)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        failed = False
        for pack in built:
            pack.refresh_from_db()
            if pack.status == AgendaPack.Status.FAILED:
                failed = True
                self.stderr.write(f"{pack}: failed: {pack.error}")
                continue
            state = "published" if pack.is_published else "built (not published)"
            self.stdout.write(f"{pack}: {state}, {pack.page_count} pages, {pack.size_label}, {pack.file.path}")
            if pack.notice_warning:
                self.stdout.write(self.style.WARNING(pack.notice_warning))
        if failed:
            raise CommandError("The pack could not be built.")
