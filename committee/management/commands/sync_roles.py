from django.core.management.base import BaseCommand

from committee.roles import sync_roles


class Command(BaseCommand):
    help = "Create or update the role groups (Councillor, Officer, Clerk, Complaints officer, Administrator)."

    def handle(self, *args, **options):
        for name, count in sync_roles().items():
            self.stdout.write(f"{name}: {count} permissions")
