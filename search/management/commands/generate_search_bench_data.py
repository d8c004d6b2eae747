"""Build minutes for the search benchmark (150,000 by default) with varied wording, then index them in bulk.

Idempotent for the same sizes. Records are bulk-inserted (no signals), so the index is built afterwards in chunks
with the vectors filled by one UPDATE … SET vector = to_tsvector(…) per kind (search.indexing.rebuild).
"""

import datetime
import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from committee.models import Committee
from meetings.models import Meeting, MinuteItem, minute_sequence_key, refresh_record_columns
from search import indexing

DRAFT, APPROVED = Meeting.MinutesStatus.DRAFT, Meeting.MinutesStatus.APPROVED
# Not "bench-": meetings' generate_bench_data owns (and deletes) committees with that prefix.
PREFIX = "searchbench-"

TOPICS = [
    "Safeguarding Partnership annual report",
    "Special educational needs and disabilities sufficiency",
    "Children in care placement sufficiency",
    "Youth Justice Plan",
    "School places planning",
    "Early help and family hubs",
    "Corporate parenting strategy",
    "Elective home education",
    "Ofsted inspection of local authority children's services",
    "Educational psychology waiting times",
    "Fostering recruitment and retention",
    "Adoption regional agency performance",
    "Care leavers accommodation",
    "Child exploitation and missing from home",
    "Workforce stability and agency social workers",
    "Budget monitoring and dedicated schools grant",
    "Home to school transport",
    "Mental health support teams in schools",
    "Kinship care arrangements",
    "Attendance and persistent absence",
]
COMMON = (
    "members asked about the report and the officers answered questions on progress performance data and next steps "
    "the committee noted the update and requested further information for a future meeting including comparisons "
    "with statistical neighbours national averages and the council's own targets for the year ahead"
).split()
RARE = [f"{a}{b}" for a in ("ber", "cal", "dun", "fal", "gro", "hol", "kes", "lin", "mor", "pen") for b in ("ton", "by", "ham", "ley")]


def body_text(rng: random.Random, topic: str, words: int = 160) -> str:
    """A minute's text: common committee words, the topic's words, and the occasional rare place name."""
    topic_words = topic.lower().split()
    out = []
    for _ in range(words):
        roll = rng.random()
        if roll < 0.08:
            out.append(rng.choice(topic_words))
        elif roll < 0.085:
            out.append(rng.choice(RARE).capitalize())
        else:
            out.append(rng.choice(COMMON))
    return " ".join(out).capitalize() + "."


class Command(BaseCommand):
    help = "Generate minute items for the search benchmark and index them in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--committees", type=int, default=10)
        parser.add_argument("--years", type=int, default=15)
        parser.add_argument("--meetings-per-year", type=int, default=10)
        parser.add_argument("--minutes-per-meeting", type=int, default=100)
        parser.add_argument("--remove", action="store_true", help="Delete this command's data (and its index entries) and stop.")

    def handle(self, *args, committees, years, meetings_per_year, minutes_per_meeting, **options):
        if options["remove"]:
            with transaction.atomic():
                self.remove()
            self.stdout.write("search benchmark data removed")
            return
        wanted = committees * years * meetings_per_year * minutes_per_meeting
        present = MinuteItem.objects.filter(meeting__committee__slug__startswith=PREFIX).count()
        if present == wanted and not indexing.SearchEntry.objects.filter(kind="minute", vector__isnull=True).exists():
            self.stdout.write(f"search benchmark data already present ({present:,} minute items)")
            return
        started = time.monotonic()
        with transaction.atomic():
            self.generate(committees, years, meetings_per_year, minutes_per_meeting)
        self.stdout.write(f"generated {wanted:,} minute items in {time.monotonic() - started:.0f}s; indexing …")
        started = time.monotonic()
        with transaction.atomic():
            counts = indexing.rebuild(["committee", "meeting", "minute"])
        self.stdout.write(f"indexed {sum(counts.values()):,} entries in {time.monotonic() - started:.0f}s")

    def remove(self):
        # Their search entries go too (the index's receivers see the deletes; SearchEntry.committee cascades as well).
        MinuteItem.objects.filter(meeting__committee__slug__startswith=PREFIX).delete()
        Meeting.objects.filter(committee__slug__startswith=PREFIX).delete()
        Committee.objects.filter(slug__startswith=PREFIX).delete()

    def generate(self, committees, years, meetings_per_year, minutes_per_meeting):
        self.remove()
        rng = random.Random(2026)
        first_year = datetime.date.today().year - years
        for c in range(committees):
            committee = Committee.objects.create(name=f"Search Benchmark Committee {c}", slug=f"{PREFIX}{c}", minute_prefix="SB.")
            meetings = Meeting.objects.bulk_create(
                [
                    Meeting(
                        committee=committee,
                        start_time=committee.default_start_time,
                        date=datetime.date(first_year + y, 1 + m, 12),
                        venue="Council Chamber, Town Hall, Bury, BL9 0SW",
                        status=Meeting.Status.HELD,
                        agenda_status=Meeting.AgendaStatus.PUBLISHED,
                        # One meeting in fifty has draft minutes nobody has published: restricted entries.
                        minutes_status=DRAFT if (y * meetings_per_year + m) % 50 == 49 else APPROVED,
                    )
                    for y in range(years)
                    for m in range(meetings_per_year)
                ]
            )
            minutes, number = [], 0
            for meeting in meetings:
                for i in range(minutes_per_meeting):
                    number += 1
                    topic = rng.choice(TOPICS)
                    minutes.append(
                        MinuteItem(
                            meeting=meeting,
                            number=number,
                            prefix="SB.",
                            sequence=minute_sequence_key(meeting),  # bulk_create skips the services; the key is theirs
                            title=topic.upper() if i else "APOLOGIES FOR ABSENCE",
                            body=body_text(rng, topic),
                            is_exempt=rng.random() < 0.02,
                        )
                    )
            MinuteItem.objects.bulk_create(minutes, batch_size=5000)
            # bulk_create skips the saves that keep MinuteItem.is_public (what the public may read in full): set it here.
            refresh_record_columns(MinuteItem.objects.filter(meeting__committee=committee))
