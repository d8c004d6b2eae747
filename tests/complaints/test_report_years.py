"""A change to the records recomputes only the parts of the year it touched (about a week each); the rest of the year
and the comparison years come from their kept parts (complaints.kept), and the figures are the same as a full
recompute."""

import datetime

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import kept, services
from complaints.models import Complaint, Compliment, Stage
from complaints.report import published_report
from complaints.years import FinancialYear

pytestmark = pytest.mark.django_db

YEAR = FinancialYear(2024)
TODAY = datetime.date(2025, 6, 30)  # fixed, so the kept parts' keys do not depend on the day the tests run
ONE_BATCH = 9  # grouped queries for any number of parts of one year (complaints.kept.compute_parts)
PARTS = 3 * 48


@pytest.fixture
def three_years(db):
    call_command("generate_complaints_bench", complaints=40, years=3, verbosity=0)


def every_table(report) -> dict[str, list[list[str]]]:
    return {table.key: table.csv_rows() for table in report.tables} | {"quotes": report.quotes}


def full_recompute() -> dict:
    cache.clear()
    return every_table(published_report(YEAR, TODAY))


def kept_part_keys() -> set[str]:
    return {key for key in cache._cache if ":complaints:kept-part:" in key}  # locmem: the keys as stored


def test_a_change_recomputes_only_its_parts_and_keeps_the_other_years(three_years):
    # given the report viewed once, so every part of the three years is kept
    published_report(YEAR, TODAY)
    before = kept.versions_for([YEAR, YEAR.previous(1), YEAR.previous(2)])
    kept_before = kept_part_keys()
    assert len(kept_before) == PARTS
    # when one complaint received in 2024/25 is changed through the services
    complaint = Complaint.objects.received_in(YEAR).filter(stages__isnull=True).order_by("pk").first() or (
        Complaint.objects.received_in(YEAR).order_by("pk").first()
    )
    complaint.advocacy_used = not complaint.advocacy_used
    services.complaint_save(complaint=complaint)
    # then only the versions of the parts the complaint (and its stages) fall in moved
    after = kept.versions_for([YEAR, YEAR.previous(1), YEAR.previous(2)])
    moved = {name for name in before if before[name] != after[name]}
    touched = kept.parts_touched(complaint.received_date, *complaint.stages.values_list("opened_date", flat=True))
    assert moved == touched
    assert all(name.startswith(f"complaints:{YEAR.start_year}-") or name.startswith(f"complaints:{YEAR.end.year}-") for name in moved)
    # and the next view runs one batch of queries, for those parts only, and reuses every other kept part
    with CaptureQueriesContext(connection) as queries:
        incremental = every_table(published_report(YEAR, TODAY))
    computed = [q["sql"] for q in queries if "GROUP BY" in q["sql"] or "ROW_NUMBER" in q["sql"]]
    assert len(computed) == ONE_BATCH
    assert str(YEAR.previous(1).start) not in " ".join(computed)  # no comparison year was read again
    assert len(kept_part_keys() - kept_before) == len(touched)  # newly kept: the changed parts alone
    # and the figures are exactly those of a recompute from nothing kept
    assert incremental == full_recompute()


def test_a_stage_closing_moves_the_figures_the_same_as_a_full_recompute(three_years):
    published_report(YEAR, TODAY)
    stage = Stage.objects.opened_in(YEAR).filter(number=1, closed_date__isnull=True).order_by("pk").first()
    if stage is None:
        stage = Stage.objects.opened_in(YEAR).filter(number=1).order_by("pk").first()
        stage.closed_date = stage.response_date = stage.outcome = None
    services.stage_close(stage=stage, outcome=Stage.Outcome.UPHELD, response_date=stage.opened_date + datetime.timedelta(days=7))
    incremental = every_table(published_report(YEAR, TODAY))
    assert incremental == full_recompute()


def test_moving_a_record_to_another_part_of_the_year_recomputes_both_parts(three_years):
    published_report(YEAR, TODAY)
    compliment = Compliment.objects.received_in(YEAR).order_by("pk").first()
    was = compliment.received_date
    before = kept.versions_for([YEAR])
    compliment.received_date = YEAR.end if was.month != YEAR.end.month else YEAR.start
    services.compliment_save(compliment=compliment)
    after = kept.versions_for([YEAR])
    assert {name for name in before if before[name] != after[name]} == kept.parts_touched(was, compliment.received_date)
    assert every_table(published_report(YEAR, TODAY)) == full_recompute()


def test_a_change_four_years_back_leaves_this_report_as_served(three_years, django_assert_max_num_queries):
    report = published_report(YEAR, TODAY)
    services.compliment_record(received_date=YEAR.previous(4).start, quote="")
    with django_assert_max_num_queries(1):  # the parts' versions; the report itself comes from the cache
        assert published_report(YEAR, TODAY).cache_key == report.cache_key


def test_renaming_a_team_recomputes_every_part(three_years):
    from complaints.models import Team

    published_report(YEAR, TODAY)
    team = Team.objects.order_by("pk").first()
    team.name = f"{team.name} (renamed)"
    services.reference_save(record=team)
    incremental = every_table(published_report(YEAR, TODAY))
    assert any(team.name in row[0] for rows in incremental.values() if isinstance(rows, list) for row in rows if isinstance(row, list))
    assert incremental == full_recompute()


@pytest.mark.parametrize(
    ("day", "part"),
    [
        ((2025, 3, 1), (2025, 3, 1)),
        ((2025, 3, 8), (2025, 3, 1)),
        ((2025, 3, 9), (2025, 3, 9)),
        ((2025, 3, 31), (2025, 3, 25)),
        ((2024, 2, 29), (2024, 2, 25)),
    ],
)
def test_every_day_belongs_to_one_part_within_its_month(day, part):
    day, part = datetime.date(*day), datetime.date(*part)
    assert kept.part_of(day) == part
    assert part <= day <= kept.part_end(part)
    assert part_year_days() == 365  # 2024/25: every day in exactly one part


def part_year_days() -> int:
    return sum((kept.part_end(p) - p).days + 1 for p in kept.parts_of(YEAR))


def test_changes_one_after_another_keep_the_year_equal_to_a_full_recompute(three_years):
    published_report(YEAR, TODAY)
    for complaint in Complaint.objects.received_in(YEAR).order_by("received_date")[:3]:
        complaint.via_mp_or_councillor = not complaint.via_mp_or_councillor
        services.complaint_save(complaint=complaint)
        published_report(YEAR, TODAY)  # each time the year's sum is corrected by the parts that moved
    assert every_table(published_report(YEAR, TODAY)) == full_recompute()


def test_a_year_whose_parts_have_left_the_cache_is_added_up_afresh(three_years):
    published_report(YEAR, TODAY)
    for key in [k for k in cache._cache if ":complaints:kept-part:" in k]:  # locmem: evicted, as a full cache would
        del cache._cache[key]
        del cache._expire_info[key]
    complaint = Complaint.objects.received_in(YEAR).order_by("pk").first()
    complaint.advocacy_used = not complaint.advocacy_used
    services.complaint_save(complaint=complaint)
    assert every_table(published_report(YEAR, TODAY)) == full_recompute()
