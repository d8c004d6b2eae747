"""The site-wide search index: one denormalised row per searchable record, with a stored, GIN-indexed tsvector.

Rows are written by search.indexing (from post_save/post_delete receivers and the rebuild_search_index command);
nothing else writes here. Who may read a row is decided at query time by `SearchEntryQuerySet.visible_to`, using
committee.access.restricted_committee_ids, the one place that decides restricted access.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q, Value

from committee.access import restricted_committee_ids
from committee.models import Committee

# The text-search configuration for both the stored vectors and the queries (they must match).
SEARCH_CONFIG = "english"
# The index's version (committee.models.DataVersion), bumped whenever entries may have changed: result pages are
# cached against it (search.views), so a cached page never outlives a change to what it shows.
INDEX_DATA = "search-index"


# The stored vector from the entry's own columns (bulk loads fill it in one UPDATE).
STORED_VECTOR = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector("body", weight="B", config=SEARCH_CONFIG)


def vector_of(title: str, body: str) -> SearchVector:
    """The stored vector, computed by PostgreSQL from the text: the title weighs A, the body B (see search.query's weights)."""
    return SearchVector(Value(title), weight="A", config=SEARCH_CONFIG) + SearchVector(Value(body), weight="B", config=SEARCH_CONFIG)


class SearchEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Entries `user` may see: public ones, plus restricted ones of committees `user` has restricted access to."""
        return self.filter(Q(visibility=SearchEntry.Visibility.PUBLIC) | Q(committee_id__in=restricted_committee_ids(user)))

    def of_kind(self, *kinds):
        """Entries of the given kinds."""
        return self.filter(kind__in=kinds)


class SearchEntry(models.Model):
    """One searchable record (a meeting, a minute, a report, a KPI…) as the search page shows it."""

    class Kind(models.TextChoices):
        # Declared in the order the results page lists the counts.
        MEETING = "meeting", "Meetings"
        AGENDA_ITEM = "agenda_item", "Agenda items"
        DOCUMENT = "document", "Reports"
        MINUTE = "minute", "Minutes"
        RESOLUTION = "resolution", "Decisions"
        ACTION = "action", "Actions and commitments"
        QUESTION = "question", "Questions and answers"
        RECOMMENDATION = "recommendation", "Recommendations"
        COMMITTEE = "committee", "Committees"
        PERSON = "person", "People"
        IMPROVEMENT_PLAN = "improvement_plan", "Improvement plans"
        IMPROVEMENT_ACTION = "improvement_action", "Improvement plan actions"
        PROGRESS_UPDATE = "progress_update", "Progress updates"
        MEASURE = "measure", "KPIs"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        RESTRICTED = "restricted", "Committee members and supporting officers only"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(help_text="The primary key of the indexed record (its model follows from the kind).")
    committee = models.ForeignKey(
        Committee,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The committee the record belongs to; restricted entries are shown to its members and supporting officers.",
    )
    date = models.DateField(null=True, blank=True, help_text="The record's date (the meeting's, for minutes and decisions).")
    title = models.CharField(max_length=500)
    body = models.TextField(blank=True, help_text="The searchable text, capped so the vector stays under PostgreSQL's 1 MB limit.")
    url = models.CharField(max_length=500)
    visibility = models.CharField(
        max_length=12,
        choices=Visibility.choices,
        default=Visibility.RESTRICTED,
        help_text="Public, or restricted (a draft agenda, unpublished draft minutes, exempt items).",
    )
    state = models.CharField(
        max_length=200,
        blank=True,
        help_text="What records hanging off this one depend on (publication state, exemption); a change re-indexes them.",
    )
    digest = models.CharField(max_length=32, blank=True, help_text="A hash of the entry's content: an unchanged record is not rewritten.")
    vector = SearchVectorField(null=True, editable=False)
    indexed_at = models.DateTimeField(auto_now=True)

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "search entry"
        verbose_name_plural = "search entries"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_search_entry_per_record")]
        indexes = [
            # Created on PostgreSQL only (search.operations.AddIndexOnPostgreSQL in the migration).
            GinIndex(fields=["vector"], name="search_entry_vector_gin"),
            models.Index(fields=["visibility", "committee"], name="search_entry_visibility_idx"),
            # Newest first, for date ranges and for lists too long to rank (search.views.RANK_LIMIT). PostgreSQL only.
            models.Index(F("date").desc(nulls_last=True), F("id").desc(), name="search_entry_newest_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return self.url

    @property
    def kind_label(self):
        """The kind in the singular, for one result ("Decision")."""
        return KIND_SINGULAR[self.kind]

    @property
    def is_restricted(self):
        return self.visibility == self.Visibility.RESTRICTED


KIND_SINGULAR = {
    SearchEntry.Kind.MEETING: "Meeting",
    SearchEntry.Kind.AGENDA_ITEM: "Agenda item",
    SearchEntry.Kind.DOCUMENT: "Report",
    SearchEntry.Kind.MINUTE: "Minute",
    SearchEntry.Kind.RESOLUTION: "Decision",
    SearchEntry.Kind.ACTION: "Action",
    SearchEntry.Kind.QUESTION: "Question",
    SearchEntry.Kind.RECOMMENDATION: "Recommendation",
    SearchEntry.Kind.COMMITTEE: "Committee",
    SearchEntry.Kind.PERSON: "Person",
    SearchEntry.Kind.IMPROVEMENT_PLAN: "Improvement plan",
    SearchEntry.Kind.IMPROVEMENT_ACTION: "Improvement plan action",
    SearchEntry.Kind.PROGRESS_UPDATE: "Progress update",
    SearchEntry.Kind.MEASURE: "KPI",
}


class ExtractedText(models.Model):
    """The text of an uploaded report PDF, extracted once when the file is uploaded (re-indexing reuses it)."""

    document = models.OneToOneField("meetings.Document", on_delete=models.CASCADE, related_name="extracted_text")
    file_name = models.CharField(max_length=300, help_text="The stored file this text came from; a new upload is extracted again.")
    text = models.TextField(blank=True)
    pages = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True, help_text="Why no text could be read (scanned image, encrypted, damaged).")
    extracted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "extracted PDF text"
        verbose_name_plural = "extracted PDF texts"

    def __str__(self):
        return self.file_name
