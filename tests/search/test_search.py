"""Site search: ranking, snippets, query syntax, filters, counts per kind, and never a result the user may not see."""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import reverse

from committee.access import SYSTEM
from committee.models import Membership, Person
from meetings import services
from meetings.models import AgendaItem, Document, Meeting
from search import query as search_query
from search.models import SearchEntry
from tests.factories import (
    ActionFactory,
    CommitteeFactory,
    DocumentFactory,
    MeetingFactory,
    MinuteItemFactory,
    PersonFactory,
    QuestionFactory,
    ResolutionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("search:index")

PRIVATE_MARKERS = [
    "MARKER-EXEMPT-SEARCH-MINUTE",
    "MARKER-EXEMPT-SEARCH-REPORT",
    "MARKER-EXEMPT-SEARCH-RESOLUTION",
    "MARKER-EXEMPT-SEARCH-ACTION",
    "MARKER-DRAFT-SEARCH-AGENDA",
    "MARKER-DRAFT-SEARCH-REPORT",
    "MARKER-DRAFT-SEARCH-MINUTES",
    "MARKER-DRAFT-SEARCH-QUESTION",
    "MARKER-WITHDRAWN-SEARCH-AGENDA",
]


def results(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def result_titles(response) -> list[str]:
    return [r.title for r in response.context["results"]]


# ---------------------------------------------------------------------------
# Ranking, snippets and query syntax
# ---------------------------------------------------------------------------
def test_an_exact_title_match_comes_first(client, flush_index):
    # given: three minutes that mention the phrase many times, and one report titled with it exactly
    meeting = MeetingFactory()
    for n in range(3):
        MinuteItemFactory(meeting=meeting, title=f"UPDATE {n}", body="Corporate parenting strategy. " * 30)
    DocumentFactory(agenda_item__meeting=meeting, title="Corporate parenting strategy", body="The strategy is attached.")
    flush_index()
    # when
    response = results(client, q="corporate parenting strategy")
    # then
    assert result_titles(response)[0] == "Corporate parenting strategy"
    assert response.context["total"] == 4


def test_a_title_match_outranks_a_passing_mention(client, flush_index):
    meeting = MeetingFactory()
    MinuteItemFactory(meeting=meeting, title="BUDGET MONITORING", body="Fostering was mentioned once, in passing.")
    DocumentFactory(agenda_item__meeting=meeting, title="Fostering sufficiency", body="A short report.")
    flush_index()
    assert result_titles(results(client, q="fostering"))[0] == "Fostering sufficiency"


def test_snippets_show_the_matched_words_marked(client, flush_index):
    MinuteItemFactory(title="SEND PROVISION", body='Members said 5 < 6 & asked about <b>the</b> "Educational Psychology" waiting list.')
    flush_index()
    html = results(client, q="psychology").content.decode()
    assert "<mark>Psychology</mark>" in html
    # Text is escaped before matches are marked: no markup from a record reaches the page.
    assert "<b>the</b>" not in html
    assert "said 5 &lt; 6 &amp; asked" in html
    assert "&quot;Educational <mark>Psychology</mark>&quot;" in html


def test_a_quoted_phrase_matches_the_words_together_only(client, flush_index):
    meeting = MeetingFactory()
    MinuteItemFactory(meeting=meeting, title="PHRASE TOGETHER", body="Support for children in care was discussed.")
    MinuteItemFactory(meeting=meeting, title="WORDS APART", body="Children were discussed; care leavers later.")
    flush_index()
    titles = result_titles(results(client, q='"children in care"'))
    assert [t for t in titles if "PHRASE" in t or "APART" in t] == [t for t in titles if "PHRASE" in t]
    assert any("PHRASE TOGETHER" in t for t in titles)


def test_a_word_ending_in_a_star_finds_words_that_start_with_it(client, flush_index):
    meeting = MeetingFactory()
    MinuteItemFactory(meeting=meeting, title="ANNUAL REPORT", body="The safeguarding partnership's annual report.")
    MinuteItemFactory(meeting=meeting, title="OTHER", body="Nothing relevant here.")
    flush_index()
    titles = result_titles(results(client, q="safegu*"))
    assert any("ANNUAL REPORT" in t for t in titles)
    assert not any("OTHER" in t for t in titles)
    # A prefix inside a quoted phrase works too, and stems like the rest of the query.
    assert any("ANNUAL REPORT" in t for t in result_titles(results(client, q='"safeguarding partner*"')))


def test_or_and_minus(client, flush_index):
    meeting = MeetingFactory()
    MinuteItemFactory(meeting=meeting, title="ALPHA", body="Adoption figures.")
    MinuteItemFactory(meeting=meeting, title="BRAVO", body="Fostering figures.")
    MinuteItemFactory(meeting=meeting, title="CHARLIE", body="Adoption and fostering figures.")
    flush_index()

    def minute_titles(q):
        return sorted(t.split(" ", 1)[1] for t in result_titles(results(client, q=q)))

    assert minute_titles("adoption OR fostering") == ["ALPHA", "BRAVO", "CHARLIE"]
    assert minute_titles("adoption -fostering") == ["ALPHA"]
    assert minute_titles("adopt* OR foster*") == ["ALPHA", "BRAVO", "CHARLIE"]
    assert minute_titles("adopt* -foster*") == ["ALPHA"]


@pytest.mark.parametrize(
    "typed",
    ["&", "|!():*<->", "'", "\\", '"', '""', "* * *", "-", "OR", "a:*b", "(unclosed", "x" * 500, "naïve café*", "drop table;--"],
)
def test_nothing_typed_can_break_the_search(client, flush_index, typed):
    MinuteItemFactory(body="Some text.")
    flush_index()
    assert client.get(URL, {"q": typed}).status_code == 200


def test_prefix_queries_are_built_from_words_only():
    assert search_query.to_tsquery_text("ofsted insp*") == "ofsted & insp:*"
    assert search_query.to_tsquery_text('"children in care" OR look*') == "(children <-> in <-> care) | look:*"
    assert search_query.to_tsquery_text("-foster* adopt'); drop*") == "!(foster:*) & adopt & drop:*"
    assert search_query.to_tsquery_text("&|!():*") == ""


# ---------------------------------------------------------------------------
# Filters, counts per kind, pagination, CSV
# ---------------------------------------------------------------------------
@pytest.fixture
def two_committees(flush_index):
    first, second = CommitteeFactory(name="Health Scrutiny Committee"), CommitteeFactory(name="Children Scrutiny Committee")
    early = MeetingFactory(committee=first, date=datetime.date(2025, 6, 5))
    late = MeetingFactory(committee=second, date=datetime.date(2026, 1, 8))
    MinuteItemFactory(meeting=early, title="HOSPITAL DISCHARGE", body="Waiting lists discussed.")
    ResolutionFactory(minute_item__meeting=early, text="That the waiting lists report be noted.")
    MinuteItemFactory(meeting=late, title="SCHOOL PLACES", body="Waiting lists for school places.")
    DocumentFactory(agenda_item__meeting=late, title="School admissions", body="Waiting lists are falling.")
    flush_index()
    return first, second


def test_filters_by_committee_kind_and_date(client, two_committees):
    first, second = two_committees
    assert results(client, q="waiting").context["total"] == 4
    assert results(client, q="waiting", committee=first.pk).context["total"] == 2
    assert result_titles(results(client, q="waiting", kind="document")) == ["School admissions"]
    assert results(client, q="waiting", date_from="1/1/2026").context["total"] == 2
    assert results(client, q="waiting", date_to="2025-12-31").context["total"] == 2
    assert results(client, q="waiting", date_from="1/7/2025", date_to="31/12/2025").context["total"] == 0


def test_invalid_filters_are_ignored_and_explained(client, two_committees):
    response = results(client, q="waiting", date_from="not a date", kind="nonsense")
    assert response.context["total"] == 4
    assert "govuk-error-message" in response.content.decode()


def test_counts_per_kind_across_the_other_filters(client, two_committees):
    response = results(client, q="waiting", kind="minute")
    counts = {k["value"]: k["count"] for k in response.context["kinds"]}
    # The counts ignore the kind filter (so they can be used to switch kind) but keep the others.
    assert counts == {"minute": 2, "resolution": 1, "document": 1}
    assert response.context["total"] == 2
    first, _ = two_committees
    counts = {k["value"]: k["count"] for k in results(client, q="waiting", committee=first.pk).context["kinds"]}
    assert counts == {"minute": 1, "resolution": 1}


def test_the_page_runs_the_same_queries_for_one_result_as_for_twenty(client, flush_index, django_assert_max_num_queries):
    """Guards against N+1 on the committee name of each result and per-kind counting."""
    meeting = MeetingFactory()
    MinuteItemFactory(meeting=meeting, body="Kinship care arrangements.")
    flush_index()
    # counts, page, the page's committees, headlines, the committee filter's choices (2), savepoints (2)
    with django_assert_max_num_queries(9) as one:
        results(client, q="kinship")
    for _ in range(20):
        MinuteItemFactory(meeting=MeetingFactory(), body="Kinship care arrangements.")
    flush_index()
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = results(client, q="kinship")
    assert response.context["total"] == 21
    assert len(response.context["results"]) == 20
    assert response.context["page_obj"].has_next()


def test_pages_keep_the_query_and_filters(client, flush_index):
    for _ in range(25):
        MinuteItemFactory(body="Respite provision.")
    flush_index()
    html = results(client, q="respite", kind="minute").content.decode()
    assert "?q=respite&amp;kind=minute&amp;page=2" in html
    assert len(results(client, q="respite", kind="minute", page=2).context["results"]) == 5


def test_beyond_the_rank_limit_the_newest_come_first_and_counts_are_not_guessed(client, flush_index, monkeypatch):
    from search import views

    monkeypatch.setattr(views, "RANK_LIMIT", 3)
    for n in range(5):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=n)
        MinuteItemFactory(meeting=MeetingFactory(date=day), title=f"ITEM {n}", body="Respite.")
    DocumentFactory(agenda_item__meeting=MeetingFactory(date=datetime.date(2024, 1, 1)), title="Respite report", body="")
    flush_index()
    response = results(client, q="respite")
    assert response.context["capped"] is True
    assert "More than 3 results" in response.content.decode()
    assert [r.date for r in response.context["results"]] == sorted((r.date for r in response.context["results"]), reverse=True)
    assert all(k["count"] is None for k in response.context["kinds"])
    # A type with few enough matches is ranked and counted again.
    response = results(client, q="respite", kind="document")
    assert response.context["capped"] is False
    assert result_titles(response) == ["Respite report"]
    assert results(client, q="respite", kind="minute").context["capped"] is True


@pytest.mark.parametrize("per_result", [100, 1])
def test_a_page_listed_newest_first_is_the_same_whether_found_among_the_newest_or_not(client, flush_index, monkeypatch, per_result):
    """search.query.newest_page looks among the newest entries first and falls back to every match: same rows either
    way (per_result=1 leaves the newest entries too few for most pages, so the fallback answers them)."""
    from search import views

    monkeypatch.setattr(views, "RANK_LIMIT", 3)
    monkeypatch.setattr(search_query, "NEWEST_WINDOW_PER_RESULT", per_result)
    for n in range(12):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 5)  # dates shared: the id breaks the tie
        MinuteItemFactory(meeting=MeetingFactory(date=day), title=f"ITEM {n}", body="Respite." if n % 3 else "Other.")
    DocumentFactory(agenda_item__meeting=MeetingFactory(date=datetime.date(2024, 1, 1)), title="Respite report", body="")
    PersonFactory(name="Respite Item")  # a person's entry has no date: listed last
    flush_index()
    assert SearchEntry.objects.filter(kind="person", date=None).exists()
    for params in ({"q": "respite"}, {"q": "respite", "kind": "minute"}, {"q": "item"}, {"kind": "minute"}):
        visible = SearchEntry.objects.visible_to(AnonymousUser())
        matches = search_query.matching(visible, search_query.parse(params["q"])) if "q" in params else visible
        expected = list(search_query.newest_first(matches.filter(kind=params["kind"]) if "kind" in params else matches))
        response = results(client, **params)
        shown = [(r.pk, r.title) for r in response.context["results"]]
        assert response.context["paginator"].count > 0
        assert shown == [(e.pk, e.title) for e in expected][: response.context["paginator"].count]


def test_csv_download_has_every_visible_result(client, two_committees):
    response = client.get(URL, {"q": "waiting", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode("utf-8-sig").strip().splitlines()
    assert rows[0] == "Type,Title,Committee,Date,Access,Link"
    assert len(rows) == 1 + 4
    assert all(",Public," in row for row in rows[1:])


def test_an_empty_search_shows_guidance_not_everything(client, flush_index):
    MinuteItemFactory()
    flush_index()
    response = results(client)
    assert response.context["searched"] is False
    assert "Put a phrase in quotes" in response.content.decode()


def test_every_page_has_the_search_box_in_its_header(client):
    html = client.get(reverse("meetings:home")).content.decode()
    assert f'action="{URL}"' in html
    assert 'role="search"' in html
    assert 'id="site-search"' in html


# ---------------------------------------------------------------------------
# Who sees what: never a result the user may not see
# ---------------------------------------------------------------------------
@pytest.fixture
def private_world(flush_index):
    committee = CommitteeFactory(name="Search Access Committee")
    day = datetime.date(2026, 2, 1)
    published = MeetingFactory(committee=committee, date=day)
    exempt_item = AgendaItem.objects.create(meeting=published, number=7, title="CARE HOME CONTRACT", exempt_paragraph=3)
    Document.objects.create(agenda_item=exempt_item, title="Contract terms", body="MARKER-EXEMPT-SEARCH-REPORT prices")
    exempt_minute = services.minute_item_create(
        by=SYSTEM, meeting=published, title="CARE HOME CONTRACT", agenda_item=exempt_item, body="MARKER-EXEMPT-SEARCH-MINUTE"
    )
    services.resolution_create(by=SYSTEM, minute_item=exempt_minute, text="MARKER-EXEMPT-SEARCH-RESOLUTION")
    services.action_create(
        by=SYSTEM, minute_item=exempt_minute, description="MARKER-EXEMPT-SEARCH-ACTION", due_date=day + datetime.timedelta(days=9)
    )

    draft = MeetingFactory(committee=committee, date=day + datetime.timedelta(days=30), agenda_status=Meeting.AgendaStatus.DRAFT)
    draft_item = AgendaItem.objects.create(meeting=draft, number=6, title="MARKER-DRAFT-SEARCH-AGENDA")
    Document.objects.create(agenda_item=draft_item, title="Draft report", body="MARKER-DRAFT-SEARCH-REPORT")
    withdrawn = MeetingFactory(committee=committee, date=day + datetime.timedelta(days=60), agenda_status=Meeting.AgendaStatus.WITHDRAWN)
    AgendaItem.objects.create(meeting=withdrawn, number=6, title="MARKER-WITHDRAWN-SEARCH-AGENDA")

    draft_minutes = MeetingFactory(committee=committee, date=day + datetime.timedelta(days=90), minutes_status=Meeting.MinutesStatus.DRAFT)
    minute = services.minute_item_create(by=SYSTEM, meeting=draft_minutes, title="DRAFT MINUTE", body="MARKER-DRAFT-SEARCH-MINUTES")
    QuestionFactory(meeting=draft_minutes, minute_item=minute, question="MARKER-DRAFT-SEARCH-QUESTION")
    MinuteItemFactory(meeting=published, title="PUBLIC MINUTE", body="MARKER-PUBLIC-SEARCH")

    member = UserFactory(username="search-member", role="Councillor")
    Membership.objects.create(committee=committee, person=PersonFactory(user=member), start_date=datetime.date(2025, 5, 14))
    outsider = UserFactory(username="search-outsider", role="Councillor")
    officer = UserFactory(username="search-officer", role="Officer")
    committee.supporting_officers.add(officer)
    flush_index()
    return {"committee": committee, "member": member, "outsider": outsider, "officer": officer, "draft_minutes": draft_minutes}


def leaked(html):
    return [m for m in PRIVATE_MARKERS if m in html]


@pytest.mark.parametrize("who", ["public", "outsider"])
def test_the_public_and_other_councillors_never_see_exempt_or_draft_results(client, private_world, who):
    if who != "public":
        client.force_login(private_world[who])
    response = results(client, q="marker")
    html = response.content.decode()
    assert not leaked(html)
    assert "MARKER-PUBLIC-SEARCH" in html
    csv_text = client.get(URL, {"q": "marker", "format": "csv"}).content.decode()
    assert "PUBLIC MINUTE" in csv_text
    assert "CARE HOME CONTRACT" not in csv_text
    assert "MARKER" not in csv_text.replace("PUBLIC MINUTE", "")
    # Guessing the exact words finds nothing either.
    for marker in PRIVATE_MARKERS:
        assert results(client, q=marker).context["total"] == 0


@pytest.mark.parametrize("who", ["member", "officer"])
def test_committee_members_and_supporting_officers_see_them_marked_not_public(client, private_world, who):
    client.force_login(private_world[who])
    html = results(client, q="marker").content.decode()
    assert not [m for m in PRIVATE_MARKERS if m not in html]
    assert "Not public: members and officers only" in html


def test_visible_to_is_the_one_filter(private_world):
    restricted = SearchEntry.objects.filter(visibility=SearchEntry.Visibility.RESTRICTED)
    assert restricted.exists()
    assert not SearchEntry.objects.visible_to(AnonymousUser()).filter(pk__in=restricted).exists()
    assert set(SearchEntry.objects.visible_to(private_world["member"]).filter(pk__in=restricted)) == set(restricted)


def test_publishing_and_withdrawing_re_index_what_hangs_off_the_meeting(client, private_world, flush_index):
    draft_minutes = private_world["draft_minutes"]
    services.minutes_publish_draft(by=SYSTEM, meeting=draft_minutes)
    flush_index()
    assert "MARKER-DRAFT-SEARCH-MINUTES" in results(client, q="marker").content.decode()
    assert "MARKER-DRAFT-SEARCH-QUESTION" in results(client, q="marker").content.decode()
    services.minutes_unpublish(by=SYSTEM, meeting=draft_minutes)
    flush_index()
    assert "MARKER-DRAFT-SEARCH-MINUTES" not in results(client, q="marker").content.decode()

    draft_meeting = Meeting.objects.get(agenda_items__title="MARKER-DRAFT-SEARCH-AGENDA")
    services.meeting_publish_agenda(by=SYSTEM, meeting=draft_meeting)
    flush_index()
    assert "MARKER-DRAFT-SEARCH-AGENDA" in results(client, q="marker").content.decode()
    services.meeting_withdraw_agenda(by=SYSTEM, meeting=draft_meeting)
    flush_index()
    assert "MARKER-DRAFT-SEARCH-AGENDA" not in results(client, q="marker").content.decode()


def test_making_an_agenda_item_exempt_hides_its_papers(client, flush_index):
    item = AgendaItem.objects.create(meeting=MeetingFactory(), number=5, title="LAND SALE")
    Document.objects.create(agenda_item=item, title="Valuation", body="Zeppelin hangar valuation.")
    flush_index()
    assert results(client, q="zeppelin").context["total"] == 1
    item.exempt_paragraph = 3
    item.save()
    flush_index()
    assert results(client, q="zeppelin").context["total"] == 0


def test_deleted_records_leave_the_index(client, flush_index):
    minute = MinuteItemFactory(body="Quokka habitat.")
    flush_index()
    assert results(client, q="quokka").context["total"] == 1
    minute.meeting.delete()
    flush_index()
    assert results(client, q="quokka").context["total"] == 0
    assert not SearchEntry.objects.filter(kind="minute", object_id=minute.pk).exists()


def test_members_of_the_public_and_contact_details_are_not_indexed(client, flush_index):
    PersonFactory(name="Q Resident", kind=Person.Kind.PUBLIC, honorific="")
    PersonFactory(name="R Officer", kind=Person.Kind.OFFICER, email="r.officer@example.gov.uk", phone="0161 000 0000")
    flush_index()
    assert results(client, q="resident").context["total"] == 0
    assert results(client, q="officer").context["total"] == 1
    assert results(client, q="example.gov.uk").context["total"] == 0
    assert not SearchEntry.objects.filter(body__contains="0161").exists()
    # Complaints are never indexed: there is no such kind.
    assert not [k for k in SearchEntry.Kind.values if "complaint" in k]


def test_a_question_is_found_by_its_words_not_by_who_asked_it(client, flush_index):
    QuestionFactory(meeting=MeetingFactory(), asker_name="Zebedee Quibble", question="Why is the library closed?", answer="Staffing.")
    flush_index()
    assert results(client, q="library staffing").context["total"] == 1
    assert results(client, q="zebedee").context["total"] == 0


# ---------------------------------------------------------------------------
# Improvement plans, KPIs, actions, PDFs
# ---------------------------------------------------------------------------
def test_improvement_actions_updates_and_kpis_are_found_but_not_draft_plans(client, flush_index):
    from improvement.models import ImprovementPlan
    from tests.improvement.factories import ActionFactory as PlanActionFactory
    from tests.improvement.factories import MeasureFactory, update

    action = PlanActionFactory(text="Recruit permanent xylophonists")
    update(action, datetime.date(2025, 9, 1), narrative="Xylophonist recruitment campaign launched.")
    MeasureFactory(name="Xylophonists in post", definition="Count of xylophonists.")
    draft = PlanActionFactory(text="Draft xylophone action", outcome__priority__plan__status=ImprovementPlan.Status.DRAFT)
    flush_index()
    kinds = {k["value"]: k["count"] for k in results(client, q="xylophon*").context["kinds"]}
    assert kinds == {"improvement_action": 1, "progress_update": 1, "measure": 1}
    assert not SearchEntry.objects.filter(kind="improvement_action", object_id=draft.pk).exists()


def test_commitments_are_found_by_owner(client, flush_index):
    ActionFactory(description="Send the figures to members.", owner__name="J Quartermaine")
    flush_index()
    assert results(client, q="quartermaine", kind="action").context["total"] == 1


def make_pdf(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


def test_uploaded_pdf_text_is_searchable_and_read_only_once(client, flush_index, monkeypatch, settings, tmp_path):
    from django.core.files.base import ContentFile

    from search import indexing

    settings.MEDIA_ROOT = tmp_path
    calls = []
    real = indexing.extract_pdf_text
    monkeypatch.setattr(indexing, "extract_pdf_text", lambda f: calls.append(1) or real(f))
    document = DocumentFactory(title="Appendix A", body="")
    document.file.save("appendix.pdf", ContentFile(make_pdf("The narwhal sufficiency assessment.")))
    flush_index()
    response = results(client, q="narwhal")
    assert result_titles(response) == ["Appendix A"]
    assert "<mark>narwhal</mark>" in response.content.decode()
    # Re-indexing (the meeting saved, a rebuild) reuses the stored text.
    document.agenda_item.meeting.save()
    flush_index()
    call_command("rebuild_search_index", verbosity=0)
    assert len(calls) == 1
    assert document.extracted_text.pages == 1


def test_a_damaged_pdf_does_not_stop_the_save(flush_index, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    document = DocumentFactory(title="Broken", body="")
    document.file.save("broken.pdf", ContentFile(b"%PDF-1.7 this is not really a pdf"))
    flush_index()
    document.refresh_from_db()
    assert document.extracted_text.text == ""
    assert document.extracted_text.error


# ---------------------------------------------------------------------------
# Rebuild and the SQLite fallback
# ---------------------------------------------------------------------------
def test_rebuild_search_index_indexes_everything_and_drops_orphans(flush_index):
    MinuteItemFactory(body="Rebuilt.")
    SearchEntry.objects.create(kind="minute", object_id=987654321, title="Orphan", url="/")
    call_command("rebuild_search_index", verbosity=0)
    assert not SearchEntry.objects.filter(object_id=987654321).exists()
    assert SearchEntry.objects.filter(kind="minute").count() == 1
    assert not SearchEntry.objects.filter(vector__isnull=True).exists()


def test_without_postgresql_the_search_falls_back_to_icontains(client, flush_index, monkeypatch):
    MinuteItemFactory(title="LIBRARY HOURS", body="The <library> opening hours were discussed.")
    MinuteItemFactory(title="OTHER", body="Budget.")
    flush_index()
    monkeypatch.setattr(search_query, "uses_full_text", lambda: False)
    response = results(client, q="library -budget")
    assert any("LIBRARY HOURS" in t for t in result_titles(response))
    html = response.content.decode()
    assert "&lt;<mark>library</mark>&gt;" in html
    assert re.search(r"<mark>LIBRARY</mark> HOURS", html)


# ---------------------------------------------------------------------------
# Result pages are kept per query, per state of the index and per what the user may see
# ---------------------------------------------------------------------------
def test_a_repeated_search_is_answered_from_the_cache(client, flush_index, django_assert_max_num_queries):
    MinuteItemFactory(body="Kinship care arrangements.")
    flush_index()
    first = results(client, q="kinship")
    with django_assert_max_num_queries(1):  # the index's version; the counting, ranking and highlighting are kept
        again = results(client, q="kinship")
    assert again.content == first.content
    assert again.wsgi_request.keeping is False  # served kept (committee/keep.py)


def test_a_kept_result_page_never_outlives_a_change_to_the_index(client, flush_index):
    minute = MinuteItemFactory(body="Zeppelin hangar.")
    flush_index()
    assert results(client, q="zeppelin").context["total"] == 1
    MinuteItemFactory(body="Zeppelin mooring mast.")
    flush_index()
    assert results(client, q="zeppelin").context["total"] == 2
    minute.delete()
    flush_index()
    assert results(client, q="zeppelin").context["total"] == 1


@pytest.mark.parametrize("order", [("member", "public", "outsider"), ("public", "outsider", "member")])
def test_kept_result_pages_are_never_shared_between_users_who_may_see_different_things(client, private_world, order):
    pages = {}
    for who in order:
        client.logout()
        if who != "public":
            client.force_login(private_world[who])
        pages[who] = results(client, q="marker").content.decode()
    assert not leaked(pages["public"])
    assert not leaked(pages["outsider"])
    assert not [m for m in PRIVATE_MARKERS if m not in pages["member"]]
    # The header (who is signed in) is the user's own, even when the results were kept from someone else's search.
    assert "Signed in as search-outsider" in pages["outsider"]
    assert "Signed in" not in pages["public"]


def test_a_kept_page_holds_the_pages_html_not_the_rows(client, flush_index):
    from django.core.cache import cache

    for n in range(5):
        DocumentFactory(title=f"Long report {n}", body="Sufficiency of placements. " * 2000)
    flush_index()
    response = results(client, kind="document")
    assert response.context["total"] == 5
    kept = cache.get(response.wsgi_request.kept_key)
    assert isinstance(kept, str)
    assert len(kept) < 50_000


def test_parameters_the_page_does_not_read_neither_split_the_cache_nor_reach_its_links(client, flush_index, django_assert_max_num_queries):
    MinuteItemFactory(body="Kinship care arrangements.")
    flush_index()
    first = results(client, q="kinship", utm_source="MARKER-JUNK")
    assert "MARKER-JUNK" not in first.content.decode()
    with django_assert_max_num_queries(1):
        results(client, q="kinship", other="x")


def test_the_access_scope_stays_short_however_many_committees_a_user_may_see(rf):
    from committee import keep

    superuser = UserFactory(username="search-super", is_superuser=True, is_staff=True)
    CommitteeFactory.create_batch(80)
    request = rf.get(URL, {"q": "kinship"})
    request.user = superuser
    assert len(keep.scope(request)) < 60


def test_an_entry_made_restricted_while_a_page_is_being_computed_is_not_shown(client, flush_index, monkeypatch):
    """Ranking and fetching the page's rows are separate reads; the second applies who may see what again."""
    from search import views

    MinuteItemFactory(title="ZEBRA CROSSINGS", body="Zebra crossings near schools.")
    flush_index()
    ranked_first = views.best_first

    def rank_then_restrict(*args, **kwargs):
        rows = ranked_first(*args, **kwargs)
        changed = SearchEntry.objects.filter(kind="minute").update(visibility=SearchEntry.Visibility.RESTRICTED, body="MARKER-NOW-EXEMPT")
        assert changed == 1
        return rows

    monkeypatch.setattr(views, "best_first", rank_then_restrict)
    html = results(client, q="zebra").content.decode()
    assert "CROSSINGS" not in html
    assert "MARKER-NOW-EXEMPT" not in html


def test_a_nul_character_in_the_query_is_refused_with_a_message_not_a_server_error(client):
    # found by tests/test_fuzz.py: PostgreSQL refuses NUL in any string, so the request is refused before any query
    response = client.get("/search/", {"q": "0\x00"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode() or "character" in response.content.decode()


def test_a_place_the_record_does_not_give_is_not_searchable():
    """A meeting only illustratively held in a room is not found by the room's name (issue 18)."""
    from committee.provenance import Provenance
    from search.indexing import MeetingIndexer

    recorded = MeetingFactory(venue="Bury Town Hall")
    illustrative = MeetingFactory(venue="Bury Town Hall", venue_provenance=Provenance.ILLUSTRATIVE)
    assert "Bury Town Hall" in MeetingIndexer().entry(recorded)["body"]
    assert "Bury Town Hall" not in MeetingIndexer().entry(illustrative)["body"]
