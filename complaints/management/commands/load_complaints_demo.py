from django.core.management.base import BaseCommand

from committee.roles import sync_roles
from complaints.demo import load_complaints_demo, remove_complaints_demo


class Command(BaseCommand):
    help = (
        "Load fictional, anonymous complaints whose totals reproduce the 2022/23, 2023/24 and 2024/25 annual reports "
        "(complaints/demo/*.yaml). Idempotent: records already loaded are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete the demo records first, then load them again.")

    def handle(self, *args, **options):
        sync_roles()
        if options["reset"]:
            removed = remove_complaints_demo()
            self.stdout.write(f"Removed {removed} demo records.")
        counts = load_complaints_demo()
        self.stdout.write("Complaints demo data: " + ", ".join(f"{n} {label}" for label, n in counts.items()))
