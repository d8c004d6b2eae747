"""Build a decade of committee records for benchmarks (bulk inserts; idempotent for the same sizes)."""

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import transaction

from committee.models import Committee, Person
from meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    Meeting,
    MinuteItem,
    Question,
    Resolution,
    minute_sequence_key,
    refresh_record_columns,
)

PREFIX = "bench-"


class Command(BaseCommand):
    help = "Generate benchmark data: committees × years × meetings, each with agenda, minutes, resolutions, actions."

    def add_arguments(self, parser):
        parser.add_argument("--committees", type=int, default=12)
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--meetings-per-year", type=int, default=10)
        parser.add_argument("--minutes-per-meeting", type=int, default=10)

    @transaction.atomic
    def handle(self, *args, committees, years, meetings_per_year, minutes_per_meeting, **options):
        wanted = committees * years * meetings_per_year
        if Meeting.objects.filter(committee__slug__startswith=PREFIX).count() == wanted:
            self.stdout.write("benchmark data already present")
            return
        Committee.objects.filter(slug__startswith=PREFIX).delete()
        rng = random.Random(2025)
        people = Person.objects.bulk_create(
            [Person(name=f"B Officer{i}", slug=f"{PREFIX}person-{i}", kind=Person.Kind.OFFICER) for i in range(200)]
        )
        first_year = datetime.date.today().year - years
        for c in range(committees):
            committee = Committee.objects.create(name=f"Benchmark Scrutiny Committee {c}", slug=f"{PREFIX}{c}", minute_prefix="BSC.")
            meetings = Meeting.objects.bulk_create(
                [
                    Meeting(
                        committee=committee,
                        start_time=committee.default_start_time,
                        date=datetime.date(first_year + y, 1 + m, 10),
                        venue="Council Chamber, Town Hall, Bury, BL9 0SW",
                        status=Meeting.Status.HELD,
                        minutes_status=Meeting.MinutesStatus.APPROVED,
                    )
                    for y in range(years)
                    for m in range(meetings_per_year)
                ]
            )
            items, minutes, attendances = [], [], []
            number = 0
            for meeting in meetings:
                for i in range(minutes_per_meeting):
                    items.append(
                        AgendaItem(meeting=meeting, number=i + 1, title=f"REPORT ON SERVICE AREA {i}", description="Report attached.")
                    )
                    number += 1
                    minutes.append(
                        MinuteItem(
                            meeting=meeting,
                            number=number,
                            prefix="BSC.",
                            sequence=minute_sequence_key(meeting),  # bulk_create skips the services; the key is theirs
                            title=f"UPDATE ON SERVICE AREA {i}",
                            body="Members were invited to ask questions and raised the following themes. " * 20,
                        )
                    )
                attendances += [Attendance(meeting=meeting, person=p, role=Attendance.Role.PRESENT) for p in rng.sample(people, 10)]
            AgendaItem.objects.bulk_create(items)
            minutes = MinuteItem.objects.bulk_create(minutes)
            Attendance.objects.bulk_create(attendances)
            resolutions = Resolution.objects.bulk_create(
                [Resolution(minute_item=mi, number=n, text=f"That the update be noted ({n}).") for mi in minutes for n in (1, 2)]
            )
            Action.objects.bulk_create(
                [
                    Action(
                        minute_item=r.minute_item,
                        resolution=r,
                        description="Members to be provided with the figures requested.",
                        owner=rng.choice(people),
                        due_date=r.minute_item.meeting.date + datetime.timedelta(days=60),
                        status=rng.choice([Action.Status.OPEN, Action.Status.DONE]),
                        completed_date=None,
                    )
                    for r in resolutions[::2]
                ]
            )
            Action.objects.filter(minute_item__meeting__committee=committee, status=Action.Status.DONE).update(
                completed_date=datetime.date(first_year + years - 1, 12, 1)
            )
            Question.objects.bulk_create(
                [
                    Question(meeting=m, asker_name="A Resident", question="When will the data be published?", written_response_owed=True)
                    for m in meetings[::3]
                ]
            )
            # bulk_create skips the saves that keep the register's narrow columns (public, committee, date): set them here.
            refresh_record_columns(MinuteItem.objects.filter(meeting__committee=committee))
        self.stdout.write(f"generated {wanted} meetings")
