from django.core.management.base import BaseCommand

from meetings.packs import publish_demo_packs


class Command(BaseCommand):
    help = "Build and publish the demo agenda packs (16 September 2025 and 7 January 2026); meetings already published are skipped."

    def handle(self, *args, **options):
        published = publish_demo_packs()
        for pack in published:
            self.stdout.write(f"Agenda pack: {pack.meeting}, {pack.page_count} pages, {pack.size_label}")
        if not published:
            self.stdout.write("Agenda packs: already published.")
