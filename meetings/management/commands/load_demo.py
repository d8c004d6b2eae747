from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand

from committee import roles
from committee.models import Committee, Person
from committee.roles import sync_roles
from meetings.demo import load_demo

# One demo login per role. Demo only: real deployments create accounts in the admin.
DEMO_ACCOUNTS = [
    ("councillor", roles.COUNCILLOR, False),
    ("officer", roles.OFFICER, False),
    ("clerk", roles.CLERK, False),
    ("complaints", roles.COMPLAINTS_OFFICER, False),
    ("admin", roles.ADMINISTRATOR, True),
]


def demo_password(username: str) -> str:
    return f"scrutiny-{username}-demo"


class Command(BaseCommand):
    help = "Load the Children and Young People Scrutiny Committee demo data and one demo login per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--no-accounts", action="store_true", help="Load the records only.")
        parser.add_argument(
            "--meetings-only",
            action="store_true",
            help="Only the committee, meetings and minutes (no complaints, improvement plans or PDF packs); for fast tests.",
        )

    def handle(self, *args, **options):
        sync_roles()
        counts = load_demo()
        self.stdout.write("Demo data: " + ", ".join(f"{n} {label}" for label, n in counts.items()))
        if not options["meetings_only"]:
            # Other apps load their own demo data; called by name so this app imports none of them.
            for command in ("load_improvement_demo", "load_complaints_demo", "publish_demo_packs"):
                if command in get_commands():
                    call_command(command, stdout=self.stdout)
        if options["no_accounts"]:
            return
        User = get_user_model()
        self.stdout.write("Demo logins (username / password / role):")
        for username, group_name, superuser in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(username=username)
            user.is_staff = group_name in roles.STAFF_ROLES
            user.is_superuser = superuser
            user.set_password(demo_password(username))
            user.save()
            user.groups.set([Group.objects.get(name=group_name)])
            self.stdout.write(f"  {username:<11} {demo_password(username):<28} {group_name}")
        # The demo councillor is the Chair's login; the officer and clerk support the committee.
        Person.objects.filter(slug="c-boles").update(user=User.objects.get(username="councillor"))
        for committee in Committee.objects.exclude(slug__startswith="bench-"):
            committee.supporting_officers.add(*User.objects.filter(username__in=["officer", "clerk"]))
        self.stdout.write("  (councillor is the login of Councillor C Boles, the Chair; officer and clerk support the committee)")
