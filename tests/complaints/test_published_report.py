"""The published annual complaints reports kept as printed (seeds 000 and 001), beside the register's figures.

Every complaints figure the seeds print is listed here, transcribed from the seeds independently of the loader's
YAML, and must be on its report page as printed. Differences from the register are shown, never hidden; what the
reports do not give is "Not recorded"; the printed tables that do not add up are found by the record checks.
"""

import csv
import html as htmllib
import io
import re

import pytest
from django.urls import reverse

from committee.checks import COMMITTEE, run
from tests.factories import CommitteeFactory

pytestmark = pytest.mark.usefixtures("complaints_demo")

# (row as printed, column as printed, figure as printed), per report page. Seed 001: the 2024/25 report.
SEED_001 = [
    ("Complaints received across all stages", "", "135"),
    ("Still open at the end of the year", "", "7"),
    ("Received at Stage 1", "", "111"),
    ("Stage 1 closed during the year", "", "108"),
    ("Stage 1 withdrawn", "", "3"),
    ("Received at Stage 2", "", "19"),
    ("Stage 2 closed during the year", "", "8"),
    ("Email", "Stage 1 to 3", "64"),
    ("Online Form", "Stage 1 to 3", "60"),
    ("Telephone", "Stage 1 to 3", "8"),
    ("Letter", "Stage 1 to 3", "3"),
    *[
        (row, f"Stage {stage}", str(n))
        for row, counts in {
            "Parent": (73, 14, 2),
            "Other Family/ Friend": (18, 2, 1),
            "Foster Carer/ Carer": (9, 2, 2),
            "Child / Young Person": (1, 0, 0),
            "Care Leaver": (2, 0, 0),
            "Advocate": (2, 1, 0),
            "Other": (5, 0, 0),
            "Total": (111, 19, 5),
        }.items()
        for stage, n in zip((1, 2, 3), counts, strict=True)
    ],
    ("Multi Agency Safeguarding Hub", "Stage 1", "6"),
    ("LADO", "Stage 1", "1"),
    ("Initial Response Team", "Stage 1", "22"),
    ("Family Safeguarding", "Stage 1", "49"),
    ("Corporate Parenting Service", "Stage 1", "12"),
    ("Commissioning", "Stage 1", "1"),
    ("Children's Improvements", "Stage 1", "1"),
    ("Children with Disabilities", "Stage 1", "15"),
    ("Children's Advice and Support Service (CASS)", "Stage 1", "3"),
    ("Adoption", "Stage 1", "1"),
    ("Upheld", "Stage 1", "15"),
    ("Partially upheld", "Stage 1", "42"),
    ("Not upheld", "Stage 1", "47"),
    ("Withdrawn: duplicate complaint", "Stage 1", "1"),
    ("Withdrawn: lack of contact from the complainant", "Stage 1", "2"),
    ("Total", "Stage 1", "111"),
    ("Within 10 working days", "2024/25", "23"),
    ("11 - 20 days", "2024/25", "31"),
    ("21 - 30 days", "2024/25", "27"),
    ("31 - 40 days", "2024/25", "14"),
    ("41 days +", "2024/25", "10"),
    ("Complaints received and responded at Stage 1 with an outcome in this reporting period", "", "55"),
    ("Completed within the 20 working day timescale", "", "47%"),
    ("The average timescale (working days)", "", "31"),
    ("Complaints received during this period", "", "82"),
    ("The remaining complaints", "", "27"),
    ("Remain open", "", "3"),
    ("Closed as either refused, closed due to a lack of contact, moved on to stage 2 or withdrawn", "", "24"),
    ("Stage 2 complaints received", "", "19"),
    ("Withdrawn due to lack of communication following request for consent to share", "", "4"),
    ("Investigated", "", "15"),
    ("Multi Agency Safeguarding Hub", "Stage 2", "2"),
    ("Children with Disabilities", "Stage 2", "4"),
    ("Initial Response Team", "Stage 2", "6"),
    ("Family Safeguarding", "Stage 2", "7"),
    ("Completed within 25 days", "", "2"),
    ("Within 25 – 45 days", "", "1"),
    ("Within 45 – 65 days", "", "4"),
    ("Over 65 days", "", "6"),
    ("Not upheld", "", "2"),
    ("Partially upheld", "", "9"),
    ("Upheld", "", "2"),
    ("Resulted in an offer of a financial remedy", "", "2"),
    ("Still ongoing at the stage of reporting", "", "2"),
    ("Escalated to stage 3", "", "5"),
    ("Went to panel", "", "5"),
    ("Upheld", "", "2"),
    ("Partially upheld", "", "3"),
    ("Recommendations made by the panels", "", "22"),
    ("Made by or on behalf of looked after children in care and/or care leavers", "", "3"),
    ("Resolved at stage 1", "", "3"),
    ("Not upheld", "", "1"),
    ("Complaints the LGSCO received in relation to Bury Council", "", "88"),
    ("Investigated, listed under Education & Children's Services", "", "18"),
    ("Upheld, with the Council at fault with an injustice", "", "2"),
    ("Complaints received by the Ombudsman about the Council's Education & Children's Services", "2023/24", "35"),
    ("Complaints received by the Ombudsman about the Council's Education & Children's Services", "2022/23", "27"),
    ("Special Educational Needs and Disabilities: share of all complaints the Ombudsman received", "2023/24", "26%"),
    ("Compliments formally recorded", "", "46"),
]
# Seed 000: the 2022/23 and 2023/24 annual reports in the 16 September 2025 pack, and the earlier years they quote.
SEED_000 = {
    "2022-23": [
        ("Complaints received (total)", "", "118"),
        ("Resolved at the informal stage", "", "42"),
        ("Resolved at the informal stage: share", "", "35.5%"),
        ("Investigated as Stage 1 formal complaints", "", "66"),
        ("Investigated as Stage 1 formal complaints: share", "", "56%"),
        ("Received via MPs/Councillors", "", "10"),
        ("Received via MPs/Councillors: share", "", "8.4%"),
        ("Complaints which escalated to the LGO (not included in total)", "", "2"),
        ("Informal concerns/complaints resolved immediately by telephone", "", "35"),
        ("Increase on 2021/2022 in concerns/complaints resolved informally", "", "7"),
        ("Service user dissatisfied and requested consideration at Stage 2", "", "9"),
        ("Enquiries from the Local Government Ombudsman (LGO) regarding Social Care", "", "2"),
        ("Who Complained 2022-23", "Total", "66"),
        ("From parents/carers of children: share of the 66", "", "83.3%"),
        ("Complaints received via Advocates for Young People", "", "no"),
        ("2022/2023", "10 Working Days", "48.4%"),
        ("2022/2023", "20 Working Days", "27.2%"),
        ("2022/2023", "Late Responses", "24.2%"),
        ("Complaints which received out of timescale responses at Stage 1", "", "16"),
        ("Formal complaints alleging that data or information has been shared incorrectly", "", "1"),
        ("Training to prevent data breaches: share of the workforce reached", "", "95%"),
        ("Allocated to Team Managers as informal complaints", "", "42"),
        ("Resolved by a call", "", "35"),
        ("Resolved by a call: share", "", "83.5%"),
        ("Not resolved informally and moved to formal Stage 1", "", "7"),
        ("Initially dissatisfied with the Stage 1 outcome and requested to move to Stage 2", "", "11"),
        ("Resolved without the need to progress to formal Stage 2", "", "10"),
        ("Compliments regarding the Children's Services Teams", "", "62"),
        ("Lessons Learnt forms returned", "", "45"),
        ("Complaints (Lessons Learnt forms due)", "", "66"),
    ],
    "2023-24": [
        ("Complaints received (total)", "", "117"),
        ("Resolved at the informal stage", "", "11"),
        ("Investigated as Stage 1 formal complaints", "", "106"),
        ("Received via MPs/Councillors", "", "9"),
        ("Received via MPs/Councillors: share", "", "7.7%"),
        ("Received via MPs/Councillors", "2022/23", "10"),
        ("Stage 1 complaints received last year", "2022/23", "66"),
        ("Service user dissatisfied and requested consideration at Stage 2", "", "16"),
        ("Resolved following further discussions or a meeting", "", "Five"),
        ("Enquiries from the Local Government Ombudsman (LGO) regarding Social Care", "", "8"),
        ("From parents/carers of children inc foster carers: share", "", "79.6%"),
        ("Complaints received via an Advocate for a Young Person", "", "1"),
        ("Complaints made by Young People", "", "2"),
        ("2023 /2024", "10 Working Days", "14.3%"),
        ("2023 /2024", "20 Working Days", "49.1%"),
        ("2023 /2024", "Late Responses", "36.6%"),
        ("Investigated by an Investigating Officer and an Independent Person", "", "8"),
        ("Currently being investigated at Stage 2", "", "Three"),
        ("Compliments regarding the Children's Services Teams", "", "20"),
        ("Lessons Learnt forms returned", "", "36"),
    ],
    # Years the register holds nothing for: the figures the 2022/23 report gives for them.
    "2021-22": [
        ("Received via MPs/Councillors", "2021/22", "20"),
        ("Stage 1 complaints received last year (April 2021 – March 2022)", "2021/22", "73"),
        ("Resolved at informal: share last year", "2021/22", "26%"),
        ("Enquiries received for Social Care from the LGO", "2021/22", "2"),
        ("Complaints received via Advocates for Young People", "2021/22", "two"),
        ("2021 / 2022", "10 Working Days", "49.3%"),
        ("2021 / 2022", "20 Working Days", "34.2%"),
        ("2021 / 2022", "Late Responses", "16.4%"),
        ("Compliments regarding the Children's Services Teams", "2021/22", "60"),
    ],
    "2020-21": [
        ("2020 / 2021", "10 Working Days", "37.2%"),
        ("2020 / 2021", "20 Working Days", "37.2%"),
        ("2020 / 2021", "Late Responses", "25.5%"),
        ("Complaints received via Advocates for Young People", "2020/21", "two"),
    ],
    "2019-20": [
        ("2019 / 2020", "10 Working Days", "29.3%"),
        ("2019 / 2020", "20 Working Days", "37.3%"),
        ("2019 / 2020", "Late Responses", "33.3%"),
    ],
    "2018-19": [
        ("2018 / 2019", "10 Working Days", "42.8%"),
        ("2018 / 2019", "20 Working Days", "42.8%"),
        ("2018 / 2019", "Late Responses", "14.3%"),
    ],
}

ROW = re.compile(
    r'<th scope="row" class="govuk-table__header">(?P<row>[^<]*)</th>\s*<td class="govuk-table__cell">(?P<column>[^<]*)</td>\s*'
    r'<td class="govuk-table__cell govuk-table__cell--numeric">(?:<strong>)?(?P<printed>[^<]*)(?:</strong>)?</td>\s*'
    r'<td class="govuk-table__cell govuk-table__cell--numeric">(?P<register>.*?)</td>\s*<td class="govuk-table__cell">(?P<status>.*?)</td>',
    re.S,
)


def page(client, year) -> str:
    response = client.get(reverse("complaints:report", args=[year]))
    assert response.status_code == 200
    return response.content.decode()


def published_rows(html: str) -> list[dict]:
    """Every row of the "The report as published" tables: the printed row, column and figure, the register's, the comparison."""
    section = html[html.index('id="published"') : html.index('id="register"')]
    rows = []
    for m in ROW.finditer(section):
        rows.append(
            {
                "row": htmllib.unescape(m["row"]).strip(),
                "column": htmllib.unescape(m["column"]).strip(),
                "printed": htmllib.unescape(m["printed"]).strip(),
                "register": htmllib.unescape(re.sub(r"<[^>]+>", " ", m["register"])).split(),
                "status": htmllib.unescape(re.sub(r"<[^>]+>", "", m["status"])).strip(),
            }
        )
    return rows


def shown(html: str) -> list[tuple[str, str, str]]:
    return [(r["row"], r["column"], r["printed"]) for r in published_rows(html)]


@pytest.mark.django_db
def test_every_figure_of_the_2024_25_report_is_shown_as_printed(client):
    on_page = shown(page(client, "2024-25"))
    missing = [figure for figure in SEED_001 if figure not in on_page]
    assert missing == []


@pytest.mark.django_db
@pytest.mark.parametrize("year", list(SEED_000))
def test_every_figure_seed_000_prints_is_shown_as_printed_on_its_years_page(client, year):
    on_page = shown(page(client, year))
    missing = [figure for figure in SEED_000[year] if figure not in on_page]
    assert missing == []


@pytest.mark.django_db
def test_years_with_only_published_figures_show_them_not_no_records(client):
    html = page(client, "2021-22")
    assert "The complaints register holds no records for 2021/22" in html
    assert ("Stage 1 complaints received last year (April 2021 – March 2022)", "2021/22", "73") in shown(html)
    index = client.get(reverse("complaints:index")).content.decode()
    for year in ("2021-22", "2020-21", "2019-20", "2018-19"):
        assert reverse("complaints:report", args=[year]) in index
    # the 2022/23 page's comparison columns for 2021/22 point to those figures rather than saying "no records"
    assert "The register holds no complaints for 2021/22; the figures the council published for it are on the 2021/22 page" in (
        page(client, "2022-23")
    )


@pytest.mark.django_db
def test_published_and_register_figures_sit_side_by_side_and_differences_are_marked(client):
    rows = {(r["row"], r["column"]): r for r in published_rows(page(client, "2024-25"))}
    within_20 = rows[("Completed within the 20 working day timescale", "")]
    assert (within_20["printed"], within_20["register"], within_20["status"]) == ("47%", ["51.4%"], "Differs")
    average = rows[("The average timescale (working days)", "")]
    assert (average["printed"], average["status"]) == ("31", "Differs")
    assert "Illustrative" in average["register"]
    stage1_total = rows[("Total", "Stage 1")]
    assert (stage1_total["printed"], stage1_total["register"], stage1_total["status"]) == ("111", ["111"], "Same")
    # the printed all-stage method counts have nothing in the register to compare with
    assert rows[("Email", "Stage 1 to 3")]["register"] == ["Not", "recorded"]
    assert rows[("Email", "Stage 1 to 3")]["status"] == "Not in the register"

    by_year = {
        "2023-24": {("Complaints received (total)", ""): ("117", "133"), ("2023 /2024", "10 Working Days"): ("14.3%", "14.2%")},
        "2022-23": {("2022/2023", "10 Working Days"): ("48.4%", "48.5%"), ("2022/2023", "20 Working Days"): ("27.2%", "27.3%")},
    }
    for year, expected in by_year.items():
        rows = {(r["row"], r["column"]): r for r in published_rows(page(client, year))}
        for key, (printed, register) in expected.items():
            assert (rows[key]["printed"], rows[key]["register"], rows[key]["status"]) == (printed, [register], "Differs")


@pytest.mark.django_db
def test_the_2022_23_stage2_still_open_at_year_end_is_kept(client):
    rows = {(r["row"], r["column"]): r for r in published_rows(page(client, "2022-23"))}
    ongoing = rows[("Formal Stage 2 investigation recommended by the LGO, ongoing", "")]
    assert (ongoing["printed"], ongoing["register"], ongoing["status"]) == ("one", ["1"], "Same")


@pytest.mark.django_db
def test_published_figures_csv(client):
    response = client.get(reverse("complaints:report_csv", args=["2024-25", "published"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Report", "Table", "Where printed", "Year", "Row", "Column", "Published", "From the register", "Compared"]
    assert [
        "Children's Social Care Annual Complaints Report 2024/2025",
        "Timescales - Stage 1",
        "Timescales and Performance",
        "2024/25",
        "Completed within the 20 working day timescale",
        "",
        "47%",
        "51.4%",
        "Differs",
    ] in rows


def csv_table(client, key, year="2024-25") -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(client.get(reverse("complaints:report_csv", args=[year, key])).content.decode())))
    return {"__header__": rows[0][1:], **{row[0]: row[1:] for row in rows[1:]}}


@pytest.mark.django_db
def test_dimensions_the_reports_do_not_give_are_not_recorded(client):
    assert csv_table(client, "how_received")["Not recorded"][:3] == ["111", "19", "5"]
    assert csv_table(client, "themes")["Not recorded"][:3] == ["111", "19", "5"]
    compliments = csv_table(client, "compliments")
    assert compliments["Not recorded"] == ["46", "20", "62"]
    assert [label for label in compliments if label not in ("__header__", "Not recorded", "Total")] == []
    lgsco = csv_table(client, "ombudsman")
    total = lgsco["__header__"].index("Total 2024/25")
    assert lgsco["Awaiting a decision or not recorded"][total] == "16"
    assert "Not upheld" not in lgsco
    assert csv_table(client, "learning_actions")["Not recorded"][-3] == "22"
    summary = csv_table(client, "summary")
    assert summary["Resolved informally or not yet at a formal stage"][0] == "Not recorded"
    assert summary["Received via an MP or councillor"][0] == "Not recorded"
    assert summary["Handled under the corporate procedure"] == ["Not recorded"] * 3
    assert summary["Made by or for a child in care or care leaver"][1:] == ["Not recorded", "Not recorded"]
    assert summary["Stage 1 average working days"][0].endswith("(illustrative)")
    # Stage 3 teams are not printed: the register's are marked illustrative wherever they are shown
    teams = csv_table(client, "teams")
    assert teams["Family Safeguarding"][2].endswith(" (illustrative)")
    assert teams["Family Safeguarding"][0] == "49"  # printed, so not marked
    html = page(client, "2024-25")
    assert '<strong class="govuk-tag govuk-tag--purple app-provenance"' in html


@pytest.mark.django_db
def test_the_2024_25_reports_own_words_are_on_the_page(client):
    html = htmllib.unescape(page(client, "2024-25"))
    for text in (
        "Welcome to the refreshed Annual Complaints Report for Children's Social Care.",
        "This report will be presented for overview and scrutiny to the Children and Young People's Scrutiny Committee.",
        "The Children’s Act 1989 Representations Procedure (England) Regulations 2006 is for all representations",
        "Stage 1 – Local Resolution Stage 2 - Independent investigation Stage 3 - Review panel",
        "The LGSCO received a total of 88 complaints in relation to Bury Council.",
        "The highest area of complaint across the Ombudsman's casework remains complaints about poor services",
        "Improvement actions/recommendations arising from complaints fall into three main categories:",
        "Establishing or changing existing processes, policies or procedures",
        "These key lessons contribute to building a more responsive, compassionate, and effective children's social care system.",
        "Report Author – Julie Gallagher, Head of Governance",
    ):
        assert text in html
    for heading in ("Introduction", "Legislation", "Ombudsman Complaints", "Key Learning 2024 - 25", "Reflections and Key Priorities"):
        assert f'<h4 class="govuk-heading-s">{heading}</h4>' in html
    # linked to the register it describes: the page's own tables follow under "From the register"
    assert html.index("Welcome to the refreshed") < html.index('id="register"') < html.index('id="summary"')


@pytest.fixture
def cyp_committee(db):
    return CommitteeFactory(name="Children and Young People Scrutiny Committee", slug="cyp-complaints-checks")


@pytest.mark.django_db
def test_checks_find_the_printed_tables_that_do_not_add_up(cyp_committee):
    findings = [f for f in run(cyp_committee, COMMITTEE) if f.rule == "complaints.printed-total"]
    assert sorted(f.message for f in findings) == [
        "Customer Types, Stage 1 (Customer Types): the rows add up to 110, but the printed total is 111.",
        "Stage 1 Outcomes, Stage 1 (Outcomes (Stage 1)): the rows add up to 107, but the printed total is 111.",
    ]
    assert all(f.url == "/complaints/report/2024-25/#published" for f in findings)


@pytest.mark.django_db
def test_checks_find_published_figures_the_register_gives_differently(cyp_committee):
    messages = [f.message for f in run(cyp_committee, COMMITTEE) if f.rule == "complaints.published-differs"]
    for expected in (
        "Timescales - Stage 1: Completed within the 20 working day timescale (2024/25) is printed as 47%; the register gives 51.4%.",
        "Social Care Complaints Received: Complaints received (total) (2023/24) is printed as 117; the register gives 133.",
        "Timescales of Stage 1 Social Care Complaints: 2022/2023, 10 Working Days (2022/23) is printed as 48.4%; the register gives 48.5%.",
        "Timescales of Stage 1 Social Care Complaints: 2023 /2024, Late Responses (2023/24) is printed as 36.6%; the register gives 36.8%.",
    ):
        assert expected in messages
    assert any(m.startswith("Timescales - Stage 1: The average timescale (working days) (2024/25) is printed as 31;") for m in messages)


@pytest.mark.django_db
def test_checks_belong_to_the_committee_the_report_goes_to(db):
    other = CommitteeFactory(name="Health Scrutiny Committee", slug="health-complaints-checks")
    assert [f for f in run(other, COMMITTEE) if f.rule.startswith("complaints.")] == []
    alias = CommitteeFactory(name="CYP", slug="cyp-alias", aliases="Children's and Young People's Scrutiny Committee")
    assert any(f.rule == "complaints.printed-total" for f in run(alias, COMMITTEE))


@pytest.mark.django_db
def test_api_gives_the_published_figures_the_report_text_and_the_marks(client):
    report = client.get(reverse("api:complaints_report", args=["2024-25"])).json()
    figure = next(f for f in report["published"] if f["row"] == "Completed within the 20 working day timescale")
    assert (figure["published"], figure["from_the_register"], figure["compared"]) == ("47%", "51.4%", "Differs")
    assert report["report_text"][0]["heading"] == "Introduction"
    timescales = next(t for t in report["tables"] if t["key"] == "stage1_timescales")
    average = next(r for r in timescales["rows"] if r["label"] == "Average working days")
    assert average["provenance"][0] == "illustrative"
    earlier = client.get(reverse("api:complaints_report", args=["2021-22"])).json()
    assert earlier["tables"] == []
    assert any(f["published"] == "73" for f in earlier["published"])


@pytest.mark.django_db
def test_loading_the_demo_again_keeps_the_transcription_and_writes_no_history():
    from django.core.management import call_command

    from complaints.models import PublishedFigure, ReportSection

    before = (PublishedFigure.objects.count(), PublishedFigure.history.count(), ReportSection.history.count())
    call_command("load_complaints_demo", verbosity=0)
    assert (PublishedFigure.objects.count(), PublishedFigure.history.count(), ReportSection.history.count()) == before
    assert ReportSection.objects.filter(report__year="2024-25").count() == 10


@pytest.mark.django_db
def test_index_lists_earlier_years_once_and_says_not_recorded_for_stage3_the_older_reports_do_not_give(client):
    index = client.get(reverse("complaints:index")).content.decode()
    for year in ("2021-22", "2020-21", "2019-20", "2018-19"):
        assert index.count(f'href="{reverse("complaints:report", args=[year])}"') == 1
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", index, re.S)
    cells = {
        re.search(r"(\d{4}/\d{2})", row)[1]: re.findall(r'govuk-table__cell--numeric">([^<]*)<', row)
        for row in rows
        if "annual complaints report" in row
    }
    assert cells["2024/25"] == ["111", "19", "5", "46"]
    assert cells["2023/24"][2] == "Not recorded"
    assert cells["2022/23"][2] == "Not recorded"
