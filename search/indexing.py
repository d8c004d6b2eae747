"""Keep the search index in step with the records: what each kind of record puts in its entry, and who may see it.

Whether an entry is public is never decided here: it is read from each model's own `visible_to(AnonymousUser())`
(and `with_access` for exempt minutes), so the search follows the same rules as the pages. A non-public entry is
"restricted": `SearchEntry.objects.visible_to(user)` shows it only to members and supporting officers of its
committee (committee.access.restricted_committee_ids).

Records change state (an agenda is published, a minute is made exempt) and the records hanging off them change
visibility with them: each entry stores a `state` string, and when it changes the dependent records are re-indexed.
"""

import datetime
import hashlib
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Exists, OuterRef
from django.urls import reverse

from committee.models import Committee, Person
from committee.provenance import is_marked
from committee.services import data_changed
from improvement.models import ImprovementAction, ImprovementPlan, Measure, ProgressUpdate
from meetings.bodies import html_to_text
from meetings.models import Action, AgendaItem, Document, Meeting, MinuteItem, Question, Recommendation, Resolution
from search.models import INDEX_DATA, STORED_VECTOR, ExtractedText, SearchEntry, vector_of
from search.pdf_text import extract_pdf_text

ANONYMOUS = AnonymousUser()
Kind = SearchEntry.Kind
# tsvector values are limited to 1 MB; a report's text beyond this is not searchable (the title and start are).
BODY_LIMIT = 200_000
TITLE_LIMIT = 500
CHUNK = 2000
# search.query marks matches with these private-use characters before HTML-escaping; indexed text must not hold them.
SENTINELS = str.maketrans("", "", "\ue000\ue001")


def _date(day: datetime.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _join(*parts) -> str:
    return "\n\n".join(str(p).strip() for p in parts if p and str(p).strip())


class Indexer:
    """What one model contributes to the index. Subclasses set `kind` and `model` and fill in `entry`."""

    kind: str
    model: type
    # (dependent model, lookup from it to this model): re-indexed when this record's `state` changes.
    dependents: list[tuple[type, str]] = []

    def queryset(self):
        """The records with everything `entry` reads loaded eagerly."""
        return self.model.objects.all()

    def public_queryset(self):
        """The records the public may see (the model's own `visible_to(AnonymousUser())`); None means all of them."""
        return None

    def entry(self, obj) -> dict | None:
        """title, body, url, date, committee_id for `obj`; None to leave it out of the index altogether."""
        raise NotImplementedError

    def state(self, obj) -> str:
        """What dependent records' entries depend on."""
        return ""


class MeetingIndexer(Indexer):
    kind, model = Kind.MEETING, Meeting

    def queryset(self):
        return Meeting.objects.select_related("committee")

    def entry(self, m):
        # A meeting's date, place and status are public whatever the state of its agenda and minutes.
        suffix = {Meeting.Status.CANCELLED: " (cancelled)", Meeting.Status.POSTPONED: " (postponed)"}.get(m.status, "")
        # A place the council's record does not give is not searchable: a search for the Council Chamber must not
        # find a meeting only illustratively held there (its page shows the place with its mark).
        venue = "" if is_marked(m.venue_provenance) else m.venue
        return {
            "title": f"{m.committee.name}, {_date(m.date)}{suffix}",
            "body": _join(m.committee.short_name, m.committee.aliases, venue, m.get_status_display(), m.notes),
            "url": m.get_absolute_url(),
            "date": m.date,
            "committee_id": m.committee_id,
        }

    def state(self, m):
        return f"{m.committee_id}|{m.date}|{m.agenda_status}|{m.minutes_status}|{m.minutes_published}"


class AgendaItemIndexer(Indexer):
    kind, model = Kind.AGENDA_ITEM, AgendaItem

    def queryset(self):
        return AgendaItem.objects.select_related("meeting", "meeting__committee", "presenter")

    def public_queryset(self):
        return AgendaItem.objects.visible_to(ANONYMOUS)

    def entry(self, item):
        return {
            "title": f"{item.number}. {item.title}",
            "body": _join(
                item.description,
                item.sponsor,
                item.presenter.display_name if item.presenter_id else "",
                item.exemption_note,
                f"{item.meeting.committee.name}, {_date(item.meeting.date)}",
            ),
            "url": f"{item.meeting.get_absolute_url()}#item-{item.number}",
            "date": item.meeting.date,
            "committee_id": item.meeting.committee_id,
        }

    def state(self, item):
        return f"{item.meeting_id}|{item.exempt_paragraph}"


class DocumentIndexer(Indexer):
    kind, model = Kind.DOCUMENT, Document

    def queryset(self):
        return Document.objects.select_related("agenda_item__meeting__committee", "extracted_text")

    def public_queryset(self):
        return Document.objects.visible_to(ANONYMOUS)

    def entry(self, doc):
        meeting = doc.agenda_item.meeting
        return {
            "title": doc.title,
            "body": _join(doc.subject, doc.report_from, html_to_text(doc.body), doc.background_papers, pdf_text(doc)),
            "url": reverse("meetings:document", kwargs={"pk": doc.pk}),
            "date": meeting.date,
            "committee_id": meeting.committee_id,
        }


def pdf_text(doc: Document) -> str:
    """The uploaded file's text: read from the stored extraction, or extracted now if the file is new (once per upload)."""
    if not doc.file:
        return ""
    try:
        extracted = doc.extracted_text
    except ExtractedText.DoesNotExist:
        extracted = None
    if extracted is not None and extracted.file_name == doc.file.name:
        return extracted.text
    try:
        with doc.file.open("rb") as fileobj:
            text, pages, error = extract_pdf_text(fileobj)
    except OSError as err:
        text, pages, error = "", 0, f"The file could not be opened ({err.__class__.__name__})."
    extracted, _ = ExtractedText.objects.update_or_create(
        document=doc, defaults={"file_name": doc.file.name, "text": text, "pages": pages, "error": error}
    )
    doc.extracted_text = extracted
    return text


class MinuteItemIndexer(Indexer):
    kind, model = Kind.MINUTE, MinuteItem

    def queryset(self):
        return MinuteItem.objects.select_related("meeting", "meeting__committee")

    def public_queryset(self):
        # An exempt minute's title is public but its text is not: the whole entry is restricted.
        return MinuteItem.objects.visible_to(ANONYMOUS).with_access(ANONYMOUS).filter(content_visible=True)

    def entry(self, minute):
        return {
            "title": f"{minute.reference} {minute.title}",
            "body": _join(minute.body, f"{minute.meeting.committee.name}, {_date(minute.meeting.date)}"),
            "url": minute.get_absolute_url(),
            "date": minute.meeting.date,
            "committee_id": minute.meeting.committee_id,
        }

    def state(self, minute):
        return f"{minute.meeting_id}|{minute.is_exempt}|{minute.reference} {minute.title}"[:200]


class ResolutionIndexer(Indexer):
    kind, model = Kind.RESOLUTION, Resolution

    def queryset(self):
        return Resolution.objects.select_related("minute_item__meeting")

    def public_queryset(self):
        return Resolution.objects.visible_to(ANONYMOUS)

    def entry(self, r):
        minute = r.minute_item
        return {
            "title": f"Decision: {minute.reference} {minute.title}",
            "body": r.text,
            "url": minute.get_absolute_url(),
            "date": minute.meeting.date,
            "committee_id": minute.meeting.committee_id,
        }


class ActionIndexer(Indexer):
    kind, model = Kind.ACTION, Action

    def queryset(self):
        return Action.objects.select_related("minute_item__meeting", "owner")

    def public_queryset(self):
        return Action.objects.visible_to(ANONYMOUS)

    def entry(self, a):
        minute = a.minute_item
        return {
            "title": f"Action: {a.description[:200]}",
            "body": _join(a.description, a.owner_label, a.owed_to, a.get_status_display(), f"{minute.reference} {minute.title}"),
            "url": minute.get_absolute_url(),
            "date": a.due_date or minute.meeting.date,
            "committee_id": minute.meeting.committee_id,
        }


class QuestionIndexer(Indexer):
    kind, model = Kind.QUESTION, Question

    def queryset(self):
        return Question.objects.select_related("meeting", "minute_item")

    def public_queryset(self):
        return Question.objects.visible_to(ANONYMOUS)

    def entry(self, q):
        # The asker's name is left out: a member of the public should not be findable by name.
        url = q.minute_item.get_absolute_url() if q.minute_item_id else f"{q.meeting.get_absolute_url()}#minutes"
        return {
            "title": f"{q.get_kind_display()}: {q.question[:200]}",
            "body": _join(q.question, q.answer, q.answered_by),
            "url": url,
            "date": q.meeting.date,
            "committee_id": q.meeting.committee_id,
        }


class RecommendationIndexer(Indexer):
    kind, model = Kind.RECOMMENDATION, Recommendation

    def queryset(self):
        return Recommendation.objects.select_related("minute_item__meeting")

    def public_queryset(self):
        return Recommendation.objects.visible_to(ANONYMOUS)

    def entry(self, r):
        return {
            "title": f"Recommendation to {r.to_body}: {r.text[:200]}",
            "body": _join(r.text, r.get_response_display(), r.response_reason, r.implementation_note),
            "url": r.minute_item.get_absolute_url(),
            "date": r.sent_date or r.minute_item.meeting.date,
            "committee_id": r.committee_id,
        }


class CommitteeIndexer(Indexer):
    kind, model = Kind.COMMITTEE, Committee

    def entry(self, c):
        return {
            "title": c.name,
            "body": _join(c.short_name, c.aliases, c.remit),
            "url": c.get_absolute_url(),
            "date": None,
            "committee_id": c.pk,
        }

    def state(self, c):
        return f"{c.name}|{c.short_name}|{c.aliases}"[:200]


class PersonIndexer(Indexer):
    kind, model = Kind.PERSON, Person

    def entry(self, p):
        if p.kind == Person.Kind.PUBLIC:
            return None  # members of the public are not made findable by name
        # Contact details (e-mail, phone) are never indexed.
        return {
            "title": p.display_name,
            "body": _join(p.name, p.get_kind_display(), p.job_title, p.organisation),
            "url": p.get_absolute_url(),
            "date": None,
            "committee_id": None,
        }

    def state(self, p):
        return p.display_name[:200]


class ImprovementPlanIndexer(Indexer):
    kind, model = Kind.IMPROVEMENT_PLAN, ImprovementPlan

    def queryset(self):
        return ImprovementPlan.objects.select_related("board")

    def entry(self, plan):
        if plan.status == ImprovementPlan.Status.DRAFT:
            return None  # draft plans are on no public page and belong to no committee
        return {
            "title": plan.name,
            "body": _join(plan.short_name, plan.board.name if plan.board_id else "", plan.period_note, plan.introduction),
            "url": plan.get_absolute_url(),
            "date": plan.published_on or plan.period_start,
            "committee_id": None,
        }

    def state(self, plan):
        return f"{plan.status}|{plan.name}"[:200]


class ImprovementActionIndexer(Indexer):
    kind, model = Kind.IMPROVEMENT_ACTION, ImprovementAction

    def queryset(self):
        return ImprovementAction.objects.select_related("plan")

    def entry(self, a):
        if a.plan.status == ImprovementPlan.Status.DRAFT:
            return None
        return {
            "title": f"{a.reference} {a.text[:200]}",
            "body": _join(a.text, a.accountable, a.timescale, a.impact_measures, a.links, a.plan.name),
            "url": a.get_absolute_url(),
            "date": a.due_by,
            "committee_id": None,
        }

    def state(self, a):
        return f"{a.plan_id}|{a.plan.status}|{a.reference}"


class ProgressUpdateIndexer(Indexer):
    kind, model = Kind.PROGRESS_UPDATE, ProgressUpdate

    def queryset(self):
        return ProgressUpdate.objects.select_related("action__plan")

    def entry(self, u):
        if u.action.plan.status == ImprovementPlan.Status.DRAFT:
            return None
        return {
            "title": f"Progress on {u.action.reference}, {_date(u.date)}",
            "body": _join(u.narrative, u.rag_label, u.source, u.action.text),
            "url": u.action.get_absolute_url(),
            "date": u.date,
            "committee_id": None,
        }


class MeasureIndexer(Indexer):
    kind, model = Kind.MEASURE, Measure

    def entry(self, m):
        return {
            "title": m.name,
            "body": _join(m.definition, m.get_unit_display(), m.source, m.owner, m.target_note, m.note),
            "url": m.get_absolute_url(),
            "date": m.target_date,
            "committee_id": None,
        }


INDEXERS: list[Indexer] = [
    MeetingIndexer(),
    AgendaItemIndexer(),
    DocumentIndexer(),
    MinuteItemIndexer(),
    ResolutionIndexer(),
    ActionIndexer(),
    QuestionIndexer(),
    RecommendationIndexer(),
    CommitteeIndexer(),
    PersonIndexer(),
    ImprovementPlanIndexer(),
    ImprovementActionIndexer(),
    ProgressUpdateIndexer(),
    MeasureIndexer(),
]
BY_MODEL: dict[type, Indexer] = {i.model: i for i in INDEXERS}
BY_KIND: dict[str, Indexer] = {i.kind: i for i in INDEXERS}

# Whose visibility (or wording) follows from whose state.
MeetingIndexer.dependents = [
    (AgendaItem, "meeting"),
    (Document, "agenda_item__meeting"),
    (MinuteItem, "meeting"),
    (Resolution, "minute_item__meeting"),
    (Action, "minute_item__meeting"),
    (Question, "meeting"),
    (Recommendation, "minute_item__meeting"),
]
AgendaItemIndexer.dependents = [(Document, "agenda_item")]
MinuteItemIndexer.dependents = [
    (Resolution, "minute_item"),
    (Action, "minute_item"),
    (Question, "minute_item"),
    (Recommendation, "minute_item"),
]
CommitteeIndexer.dependents = [(Meeting, "committee")]
PersonIndexer.dependents = [(Action, "owner"), (AgendaItem, "presenter")]
ImprovementPlanIndexer.dependents = [(ImprovementAction, "plan"), (ProgressUpdate, "action__plan")]
ImprovementActionIndexer.dependents = [(ProgressUpdate, "action")]


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"


def index_records(model, pks: Iterable[int], *, cascade: bool = True, new: bool = False, vectors: bool = True) -> int:
    """(Re-)index the records of `model` with these pks, dropping entries of those gone or no longer indexed.

    `new`: the records were just created, so they have no entry to compare with and nothing hanging off them.
    `vectors=False` leaves written entries' vectors empty for one `fill_vectors()` UPDATE afterwards (bulk loads).
    Returns the number of entries written (unchanged entries are not rewritten).
    """
    indexer = BY_MODEL[model]
    pks = list(pks)
    written = 0
    for start in range(0, len(pks), CHUNK):
        written += _index_chunk(indexer, pks[start : start + CHUNK], cascade=cascade and not new, new=new, vectors=vectors)
    return written


def _index_chunk(indexer: Indexer, pks: list[int], *, cascade: bool, new: bool, vectors: bool) -> int:
    if not pks:
        return 0
    queryset = indexer.queryset().filter(pk__in=pks)
    public = indexer.public_queryset()
    if public is not None:
        # Whether the public may see each record comes back with the record: one query.
        queryset = queryset.annotate(search_public=Exists(public.filter(pk=OuterRef("pk"))))
    entries, states = [], {}
    for obj in queryset:
        data = indexer.entry(obj)
        if data is None:
            continue
        states[obj.pk] = indexer.state(obj)
        entries.append(make_entry(indexer.kind, obj.pk, public=getattr(obj, "search_public", True), state=states[obj.pk], **data))
    # (digest, state) of the entries there now: unchanged entries are not rewritten.
    existing = {} if new else {pk: (d, st) for pk, d, st in _entries(indexer.kind, pks).values_list("object_id", "digest", "state")}
    gone = [pk for pk in existing if pk not in states]
    if gone:
        _entries(indexer.kind, gone).delete()
    changed_entries = [e for e in entries if existing.get(e.object_id, ("",))[0] != e.digest]
    write_entries(changed_entries, vectors=vectors)
    if cascade and indexer.dependents:
        changed = [pk for pk in set(existing) | set(states) if existing.get(pk, (None, None))[1] != states.get(pk)]
        if changed:
            for dependent, lookup in indexer.dependents:
                index_records(dependent, dependent.objects.filter(**{f"{lookup}__in": changed}).values_list("pk", flat=True), cascade=False)
    return len(changed_entries)


def _entries(kind, pks):
    return SearchEntry.objects.filter(kind=kind, object_id__in=pks)


def make_entry(kind, object_id, *, public: bool, state: str, title: str, body: str, url: str, date, committee_id) -> SearchEntry:
    """An unsaved entry, with the digest that tells whether it differs from the one stored."""
    visibility = SearchEntry.Visibility.PUBLIC if public else SearchEntry.Visibility.RESTRICTED
    title, body = title.translate(SENTINELS)[:TITLE_LIMIT], body.translate(SENTINELS)[:BODY_LIMIT]
    digest = hashlib.md5("\x1f".join([visibility, state, title, body, url, str(date), str(committee_id)]).encode(), usedforsecurity=False)
    return SearchEntry(
        kind=kind,
        object_id=object_id,
        visibility=visibility,
        state=state,
        title=title,
        body=body,
        url=url,
        date=date,
        committee_id=committee_id,
        digest=digest.hexdigest(),
    )


def write_entries(entries: list[SearchEntry], *, vectors: bool = True) -> None:
    """Upsert the entries with their vectors, computed by PostgreSQL in the same INSERT … ON CONFLICT statement."""
    if not entries:
        return
    if uses_postgres() and vectors:
        for entry in entries:
            entry.vector = vector_of(entry.title, entry.body)
    SearchEntry.objects.bulk_create(
        entries,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["kind", "object_id"],
        update_fields=["committee", "date", "title", "body", "url", "visibility", "state", "digest", "vector", "indexed_at"],
    )


def fill_vectors(queryset=None) -> int:
    """Compute missing vectors in one UPDATE … SET vector = to_tsvector(…) (after a bulk load); returns rows updated."""
    if not uses_postgres():
        return 0
    queryset = SearchEntry.objects.all() if queryset is None else queryset
    return queryset.filter(vector__isnull=True).update(vector=STORED_VECTOR)


def rebuild(kinds: Iterable[str] | None = None, *, stdout=None) -> dict[str, int]:
    """Re-index every record of the given kinds (all by default), in chunks, and drop entries whose record has gone."""
    counts = {}
    for indexer in [BY_KIND[k] for k in kinds] if kinds else INDEXERS:
        pks = list(indexer.model.objects.order_by("pk").values_list("pk", flat=True))
        SearchEntry.objects.filter(kind=indexer.kind).exclude(object_id__in=indexer.model.objects.values("pk")).delete()
        counts[indexer.kind] = index_records(indexer.model, pks, cascade=False, vectors=False)
        fill_vectors(SearchEntry.objects.filter(kind=indexer.kind))
        if stdout:
            stdout.write(f"  {indexer.kind}: {counts[indexer.kind]}")
    data_changed(INDEX_DATA)
    return counts
