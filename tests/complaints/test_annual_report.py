"""Every table of the 2024/25 annual complaints report (seed 001), recomputed from the demo records, matches the seed.

Each test reads one table through its CSV export (the same numbers the page, chart and PDF show). The readings
taken where the seed contradicts itself are in complaints/demo/README.md.
"""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from complaints.models import Complaint, Compliment, OmbudsmanCase, Stage
from tests.pdfs import body, get_pdf

pytestmark = pytest.mark.usefixtures("complaints_demo")

YEAR = "2024-25"


def table(client, key, year=YEAR) -> dict[str, list[str]]:
    """{row label: [cells]} of one table's CSV, plus the header row under "__header__"."""
    response = client.get(reverse("complaints:report_csv", args=[year, key]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {"__header__": rows[0][1:], **{row[0]: row[1:] for row in rows[1:]}}


def numbers(cells, upto=None):
    return [int(c) for c in cells[:upto]]


# ---------------------------------------------------------------------------
# One test per table of seed 001
# ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_received_by_stage_111_19_5_and_7_open_at_year_end(client):
    t = table(client, "received_by_stage")
    # columns: received, closed by 31 March, withdrawn, open at 31 March, still open at the reporting date, 2023/24, 2022/23
    assert numbers(t["Stage 1"], 5) == [111, 108, 3, 0, 0]  # "Of the 111 at Stage 1, 108 were closed … 3 … withdrawn"
    assert numbers(t["Stage 2"], 5) == [19, 8, 4, 7, 2]  # "8 of these were closed"; 4 withdrawn; "2 … still ongoing"
    assert numbers(t["Stage 3"], 5) == [5, 5, 0, 0, 0]
    assert numbers(t["Total"], 5) == [135, 121, 7, 7, 2]  # "A total of 135 … 7 were still open at the end of the year"


@pytest.mark.django_db
def test_how_received_is_not_recorded_by_stage(client):
    # The seed prints how complaints arrived for all stages together (Email 64, Online Form 60, Telephone 8, Letter 3):
    # those are kept as published figures; the register records no method against any stage rather than invent a split.
    t = table(client, "how_received")
    assert numbers(t["Not recorded"], 4) == [111, 19, 5, 135]
    assert "Email" not in t


@pytest.mark.django_db
def test_complainant_types_by_stage_as_printed(client):
    t = table(client, "complainant_types")
    printed = {
        "Parent": [73, 14, 2],
        "Other family/friend": [18, 2, 1],
        "Foster carer/carer": [9, 2, 2],
        "Child/young person": [1, 0, 0],
        "Care leaver": [2, 0, 0],
        "Advocate": [2, 1, 0],
        "Other": [5, 0, 0],
        "Total": [111, 19, 5],
    }
    assert {label: numbers(t[label], 3) for label in printed} == printed
    # the printed Stage 1 column adds up to 110: the 111th complaint has no recorded type (README, reading 1)
    assert numbers(t["Not recorded"], 3) == [1, 0, 0]


@pytest.mark.django_db
def test_themes_are_not_recorded_and_the_81_percent_is_kept_as_printed(client):
    # The themes chart was lost: the seed gives only that the four most common themes are 81%. No theme is invented.
    t = table(client, "themes")
    assert numbers(t["Not recorded"], 3) == [111, 19, 5]
    assert [label for label in t if label not in ("__header__", "Not recorded", "Total")] == []
    html = client.get(reverse("complaints:report", args=[YEAR])).content.decode()
    assert "81%" in html


@pytest.mark.django_db
def test_teams_at_stage1_and_stage2_as_printed(client):
    t = table(client, "teams")
    stage1 = {
        "Multi Agency Safeguarding Hub": 6,
        "LADO": 1,
        "Initial Response Team": 22,
        "Family Safeguarding": 49,
        "Corporate Parenting Service": 12,
        "Commissioning": 1,
        "Children's Improvements": 1,
        "Children with Disabilities": 15,
        "Children's Advice and Support Service (CASS)": 3,
        "Adoption": 1,
    }
    assert {label: int(t[label][0]) for label in stage1} == stage1
    stage2 = {"Multi Agency Safeguarding Hub": 2, "Children with Disabilities": 4, "Initial Response Team": 6, "Family Safeguarding": 7}
    assert {label: int(t[label][1]) for label in stage2} == stage2


@pytest.mark.django_db
def test_outcomes_by_stage(client):
    t = table(client, "outcomes")
    assert numbers(t["Upheld"], 3) == [15, 2, 2]
    assert numbers(t["Partially upheld"], 3) == [42, 9, 3]
    assert numbers(t["Not upheld"], 3) == [47, 2, 0]
    assert numbers(t["Withdrawn: duplicate complaint"], 1) == [1]
    assert numbers(t["Withdrawn: no contact from the complainant"], 1) == [2]
    assert numbers(t["Withdrawn: consent to share not given"], 3) == [0, 4, 0]
    # the 4 Stage 1 complaints the seed leaves unaccounted for (README, reading 2)
    # the 4 Stage 1 complaints the seed leaves unaccounted for are a reading (README, reading 2): marked inferred
    assert t["Refused"][0] == "1 (inferred)"
    assert t["Escalated without a finding"][0] == "3 (inferred)"
    assert numbers(t["Open: no outcome yet"], 3) == [0, 2, 0]


@pytest.mark.django_db
def test_stage1_timescale_bands_23_31_27_14_10(client):
    t = table(client, "stage1_timescales")
    bands = ["Within 10 working days", "11–20 working days", "21–30 working days", "31–40 working days", "41 working days or more"]
    assert [int(t[b][0]) for b in bands] == [23, 31, 27, 14, 10]
    assert t["Responses"][0] == "105"
    # computed from the bands (54 of 105); the seed's "47%" and "31 working days" come from figures it cannot reconcile
    assert t["Share within the 20 working day limit"][0] == "51.4"
    # the exact working days inside each printed band are the demo's, so the average is marked illustrative
    assert t["Average working days"][0].endswith(" (illustrative)")


@pytest.mark.django_db
def test_stage2_timescales_outcomes_and_remedies(client):
    t = table(client, "stage2")
    assert t["Received"][0] == "19"
    bands = [
        "Completed within 25 working days",
        "Completed 26–45 working days",
        "Completed 46–65 working days",
        "Completed over 65 working days",
    ]
    assert [int(t[b][0]) for b in bands] == [2, 1, 4, 6]
    assert t["Investigations completed with a finding"][0] == "13"
    assert t["Withdrawn before investigation"][0] == "4"
    assert t["Still being investigated on 13 November 2025"][0] == "2"
    assert t["Financial remedy offered"][0] == "2"


@pytest.mark.django_db
def test_stage3_five_panels_two_upheld_three_partially_22_recommendations(client):
    t = table(client, "stage3")
    assert t["Requests for a review panel"][0] == "5"
    assert t["Panels held"][0] == "5"
    assert (t["Upheld"][0], t["Partially upheld"][0], t["Not upheld"][0]) == ("2", "3", "0")
    assert t["Recommendations made by panels"][0] == "22"


@pytest.mark.django_db
def test_children_in_care_three_complaints_all_resolved_at_stage1(client):
    t = table(client, "children_in_care")
    assert t["Received at Stage 1"][0] == "3"
    assert (t["Partially upheld"][0], t["Not upheld"][0], t["Upheld"][0]) == ("2", "1", "0")
    assert t["Went on to Stage 2"][0] == "0"


@pytest.mark.django_db
def test_lgsco_18_cases_two_upheld_and_the_council_wide_88(client):
    t = table(client, "ombudsman")
    total = t["__header__"].index("Total 2024/25")
    assert t["Total"][total] == "18"
    assert t["Upheld: fault and injustice"][total] == "2"
    # the two previous years' Education & Children's Services cases: 35 in 2023/24, 27 in 2022/23
    assert (t["Total"][total + 1], t["Total"][total + 2]) == ("35", "27")
    html = client.get(reverse("complaints:report", args=[YEAR])).content.decode()
    assert "The LGSCO received 88 complaints about the whole council in 2024/25 (Subject to confirmation from the LGSCO)." in html
    assert "of which 2 within the set timescale" in html


@pytest.mark.django_db
def test_compliments_46_with_the_three_published_quotes(client):
    t = table(client, "compliments")
    assert t["Total"] == ["46", "20", "62"]  # 2024/25, 2023/24, 2022/23
    html = client.get(reverse("complaints:report", args=[YEAR])).content.decode()
    assert "truly outstanding social worker, consistently goes above and beyond" in html


@pytest.mark.django_db
def test_learning_actions_are_the_22_recommendations_with_category_not_recorded(client):
    # The report gives 22 panel recommendations and their range, not each one's category or status.
    t = table(client, "learning_actions")
    total = t["__header__"].index("Total 2024/25")
    assert {label: cells[total] for label, cells in t.items() if label != "__header__"} == {
        "Remedial action for an individual complaint": "Not recorded",
        "Improving practice and delivering training": "Not recorded",
        "Establishing or changing processes, policies or procedures": "Not recorded",
        "Not recorded": "22",
        "Total": "22",
    }
    assert t["Total"][t["__header__"].index("Not recorded (2024/25)")] == "22"


@pytest.mark.django_db
def test_year_on_year_against_the_2022_23_and_2023_24_reports(client):
    t = table(client, "summary")
    assert t["__header__"] == ["2024/25", "2023/24", "2022/23"]
    assert t["Received at Stage 1"] == ["111", "106", "66"]
    assert t["Resolved informally or not yet at a formal stage"][1:] == ["11", "42"]
    # the register counts every stage; the 2023/24 report printed 117 (informal and Stage 1 only) and the 2022/23 report
    # 118 without its LGO-recommended Stage 2: both printed figures are on the report page beside these, marked "Differs"
    assert t["Complaints received across all stages (informal, Stage 1, 2 and 3)"] == ["135", "133", "119"]
    assert t["Resolved informally or not yet at a formal stage"][0] == "Not recorded"  # 2024/25 gives no count
    assert t["Received via an MP or councillor"][1:] == ["9", "10"]
    assert t["Compliments"] == ["46", "20", "62"]
    assert t["LGSCO cases, Education & Children's Services"] == ["18", "35", "27"]
    assert t["Lessons Learnt forms returned"][1:] == ["36", "45"]
    # 2022/23 printed 48.4% / 27.2% / 24.2% (truncated); 32 / 18 / 16 of 66 rounded half up
    assert [t[f"Stage 1 responses {s}"][2] for s in ("within 10 working days", "in 11–20 working days", "after 20 working days")] == [
        "48.5",
        "27.3",
        "24.2",
    ]


# ---------------------------------------------------------------------------
# The page, the PDF, the index and the 404s
# ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_report_page_has_one_h1_every_table_a_chart_and_a_csv_link(client):
    html = client.get(reverse("complaints:report", args=[YEAR])).content.decode()
    assert html.count("<h1") == 1
    assert html.count('role="img"') >= 10
    assert '<title id="chart-how_received-title">' in html
    for key in ("summary", "received_by_stage", "outcomes", "stage1_timescales", "ombudsman", "learning_actions"):
        assert reverse("complaints:report_csv", args=[YEAR, key]) in html


@pytest.mark.django_db
def test_pdf_for_the_agenda_pack_has_every_table(client):
    from pypdf import PdfReader

    response = get_pdf(client, reverse("complaints:report_pdf", args=[YEAR]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body(response))).pages)
    for heading in (
        "Complaints received by stage",
        "Stage 1 timescales",
        "Stage 3 review panels",
        "Local Government and Social Care Ombudsman",
        "The report as published",
        "Welcome to the refreshed Annual Complaints Report",
        "Julie Gallagher, Head of Governance",
    ):
        assert heading in text


@pytest.mark.django_db
def test_index_lists_the_three_years(client):
    html = client.get(reverse("complaints:index")).content.decode()
    for year in ("2024-25", "2023-24", "2022-23"):
        assert reverse("complaints:report", args=[year]) in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/complaints/report/2017-18/", "/complaints/report/2024-26/", "/complaints/report/2024/", "/complaints/report/0000-01/"]
)
def test_unknown_or_malformed_year_is_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_unknown_table_is_404(client):
    assert client.get("/complaints/report/2024-25/no_such_table.csv").status_code == 404
    assert client.get("/complaints/report/2017-18/summary.csv").status_code == 404
    assert client.get("/complaints/report/2017-18.pdf").status_code == 404


@pytest.mark.django_db
def test_a_change_to_the_records_reaches_the_cached_report(client):
    assert table(client, "received_by_stage")["Stage 3"][0] == "5"
    stage = Stage.objects.filter(number=3, opened_date__year=2024).first()
    from complaints import services

    services.record_delete(record=stage)
    assert table(client, "received_by_stage")["Stage 3"][0] == "4"


@pytest.mark.django_db
def test_loading_the_demo_again_changes_nothing():
    before = [Complaint.objects.count(), Stage.objects.count(), Compliment.objects.count(), OmbudsmanCase.objects.count()]
    call_command("load_complaints_demo", verbosity=0)
    assert [Complaint.objects.count(), Stage.objects.count(), Compliment.objects.count(), OmbudsmanCase.objects.count()] == before


@pytest.mark.django_db
def test_demo_records_are_fictional():
    assert not Complaint.objects.exclude(reference__startswith="DEMO-").exists()
    names = set(Complaint.objects.values_list("personal_data__complainant_name", flat=True))
    assert names == {"Fictional demo record"}
