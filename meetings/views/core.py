"""Public pages. Views stay thin: reads are QuerySet methods, rules live in models and services."""

import datetime

from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from committee.models import Committee, Membership, Person, SpecialRole
from meetings import attendance
from meetings.csv_export import CSVExportMixin
from meetings.filters import ActionFilter, MeetingFilter, ResolutionFilter
from meetings.models import Action, Attendance, Document, Meeting, MinuteSpeaker, Question, Resolution, WorkProgrammeItem
from meetings.models.core import commitment_record_aggregates, load_full_record


class LateRowPaginator(Paginator):
    """Finds a page's rows by their ids first, then loads just those with their joins.

    A filter that must look at each candidate row (words in a decision or its minute's title) otherwise joins the meeting
    and committee of every candidate before the sort picks 25; here the sort and limit run on the narrow table alone,
    in the same single query (`pk IN (… LIMIT 25)`)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        return self._get_page(rows.filter(pk__in=rows.values("pk")[bottom:top]), number, self)


class FilteredListView(ListView):
    """A ListView whose queryset goes through a django-filter FilterSet (exposed to templates as `filter`)."""

    filterset_class = None
    paginate_by = 25

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        self.filterset = self.filterset_class(self.request.GET or None, queryset=self.base_queryset(), request=self.request)
        # No filters chosen: the filterset's own default view (the tracker's open actions), the same rows its pages
        # and CSV link (which carry a query string) list. Invalid values (a typed-in URL) fall back to the unfiltered
        # list; the form shows why.
        if not self.filterset.is_bound or self.filterset.is_valid():
            return self.filterset.qs
        return self.base_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        return context


class HomeView(TemplateView):
    template_name = "meetings/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = datetime.date.today()
        context["upcoming"] = Meeting.objects.upcoming(today).select_related("committee")[:5]
        context["recent"] = Meeting.objects.past(today).select_related("committee")[:5]
        context["committees"] = Committee.objects.active()
        context["recent_decisions"] = (
            Resolution.objects.visible_to(self.request.user).with_context().order_by(*Resolution.REGISTER_ORDER)[:5]
        )
        # The follow-through record's own definitions of outstanding and overdue, so the figures agree everywhere.
        # Both figures are of open actions: counted from the public open actions' index alone.
        counts = (
            Action.objects.visible_to(self.request.user).open().aggregate(**commitment_record_aggregates(today, ("outstanding", "overdue")))
        )
        context["action_counts"] = {"open": counts["outstanding"], "overdue": counts["overdue"]}
        context["questions_awaiting"] = Question.objects.visible_to(self.request.user).awaiting_written_response().count()
        return context


class MeetingListView(CSVExportMixin, FilteredListView):
    template_name = "meetings/meeting_list.html"
    filterset_class = MeetingFilter
    context_object_name = "meetings"

    def base_queryset(self):
        return Meeting.objects.select_related("committee").with_counts().order_by("-date", "-start_time")


class MeetingDetailView(DetailView):
    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"

    def get_queryset(self):
        return Meeting.objects.select_related("committee", "minutes_approved_by__minute_item__meeting").with_access(self.request.user)

    def get_object(self, queryset=None):
        meeting = super().get_object(queryset)
        load_full_record(meeting, self.request.user)  # Meeting.with_full_record's rows, as far as the meeting's flags allow
        return meeting

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.object
        attendances = list(meeting.attendances.all())
        context["attendance"] = {role: [a for a in attendances if a.role == role] for role in Attendance.Role.values}
        context["present"] = [
            a for a in attendances if a.role in (Attendance.Role.CHAIR, Attendance.Role.PRESENT, Attendance.Role.SUBSTITUTE)
        ]
        context["chair"] = next((a for a in attendances if a.role == Attendance.Role.CHAIR), None)
        context["previous_meeting"], context["next_meeting"] = Meeting.objects.neighbours(meeting)
        # Matters arising: what earlier meetings asked to come to this one, and whether it has.
        context["matters_arising"] = (
            Action.objects.visible_to(self.request.user)
            .due_at(meeting)
            .select_related("minute_item__meeting", "owner", "provided_by_item__meeting")  # commitment_status links the item
            .with_is_overdue()
            .order_by("minute_item__meeting__date", "pk")
        )
        return context


class DocumentDetailView(DetailView):
    template_name = "meetings/document_detail.html"
    context_object_name = "document"

    def get_queryset(self):
        return Document.objects.visible_to(self.request.user).select_related(
            "agenda_item", "agenda_item__meeting", "agenda_item__meeting__committee"
        )


class CommitteeDetailView(DetailView):
    template_name = "meetings/committee_detail.html"
    context_object_name = "committee"

    def get_queryset(self):
        return Committee.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        committee = self.object
        today = datetime.date.today()
        meetings = Meeting.objects.for_committee(committee)
        context["upcoming"] = meetings.upcoming(today)[:5]
        context["recent"] = meetings.past(today)[:6]
        context["members"] = Membership.objects.filter(committee=committee).current(today).select_related("person").seat_order()
        if not context["members"]:
            # Between municipal years no seats may be current: show the latest year's membership.
            latest = Membership.objects.filter(committee=committee).order_by("-start_date").first()
            context["members"] = (
                Membership.objects.filter(committee=committee).current(latest.start_date).select_related("person").seat_order()
                if latest
                else Membership.objects.none()
            )
        context["special_roles"] = SpecialRole.objects.filter(committee=committee).current(today).select_related("person")
        context["work_programme"] = WorkProgrammeItem.objects.filter(committee=committee).outstanding().with_context()[:10]
        context["open_actions"] = Action.objects.visible_to(self.request.user).filter(committee=committee).open().count()
        context["overdue_actions"] = Action.objects.visible_to(self.request.user).filter(committee=committee).overdue(today).count()
        return context


class CommitteeAttendanceView(CSVExportMixin, TemplateView):
    """Attendance statistics per member and municipal year (`?year=2025-26`), with a CSV of the table."""

    template_name = "meetings/committee_attendance.html"
    csv_tables = ["rows"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        committee = get_object_or_404(Committee, slug=self.kwargs["slug"])
        years = attendance.attendance_years(committee)
        year = self.request.GET.get("year")
        year = year if year in years else (years[0] if years else None)
        records = attendance.committee_attendance(committee, year) if year else []
        context.update(committee=committee, years=years, year=year, records=records, rows=[r.as_row() for r in records])
        return context


class WorkProgrammeView(ListView):
    template_name = "meetings/work_programme.html"
    context_object_name = "items"

    def get_queryset(self):
        self.committee = get_object_or_404(Committee, slug=self.kwargs["slug"])
        return WorkProgrammeItem.objects.filter(committee=self.committee).with_context().order_by("status", "planned_for__date", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["committee"] = self.committee
        return context


class PersonListView(ListView):
    template_name = "meetings/person_list.html"
    context_object_name = "people"
    paginate_by = 100

    def get_queryset(self):
        return Person.objects.with_pages().order_by("kind", "sort_name", "name")


# The person page lists this many of the minutes that name them as speaking, newest first.
SPEECHES_SHOWN = 50


class PersonDetailView(DetailView):
    template_name = "meetings/person_detail.html"
    context_object_name = "person"

    def get_queryset(self):
        return Person.objects.with_pages().prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.select_related("committee").order_by("-start_date")),
            Prefetch("special_roles", queryset=SpecialRole.objects.select_related("committee")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.object
        context["attendance_by_year"] = Attendance.objects.filter(person=person).rate_by_municipal_year()
        context["attendances"] = (
            Attendance.objects.filter(person=person).select_related("meeting", "meeting__committee").order_by("-meeting__date")[:20]
        )
        speeches = list(
            MinuteSpeaker.objects.visible_to(self.request.user)
            .filter(person=person)
            .select_related("minute_item__meeting__committee")
            .order_by("-minute_item__meeting__date", "-minute_item__number")[: SPEECHES_SHOWN + 1]
        )
        context["speeches"], context["speeches_more"] = speeches[:SPEECHES_SHOWN], len(speeches) > SPEECHES_SHOWN
        context["actions"] = (
            Action.objects.visible_to(self.request.user)
            .filter(owner=person)
            .with_context()
            .with_is_overdue()
            .order_by("status", "due_date")
        )
        return context


class ResolutionListView(CSVExportMixin, FilteredListView):
    template_name = "meetings/resolution_list.html"
    filterset_class = ResolutionFilter
    context_object_name = "resolutions"
    paginator_class = LateRowPaginator

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        # The page's decisions (chosen by id: LateRowPaginator) loaded with only the columns the register prints.
        page.object_list = self.page_rows(rows)
        return paginator, page, page.object_list, is_paginated

    @staticmethod
    def page_rows(queryset):
        """The listed decisions as one object a row with the printed columns of their minute, meeting and committee
        (register_tags.decision_rows), instead of five objects of every column. The CSV keeps get_queryset's rows."""
        return (
            queryset.select_related(None)
            .only("text", "kind")
            .annotate(
                row_meeting_id=F("minute_item__meeting_id"),
                row_meeting_date=F("minute_item__meeting__date"),
                row_committee=F("minute_item__meeting__committee__name"),
                row_minute_prefix=F("minute_item__prefix"),
                row_minute_number=F("minute_item__number"),
                row_minute_title=F("minute_item__title"),
            )
        )

    def base_queryset(self):
        return (
            Resolution.objects.visible_to(self.request.user)
            .with_context()
            .select_related("approves_minutes_of")
            .order_by(*Resolution.REGISTER_ORDER)
        )


class ActionListView(CSVExportMixin, FilteredListView):
    template_name = "meetings/action_list.html"
    filterset_class = ActionFilter
    context_object_name = "actions"
    # Which summary total counts the listed actions, per status filter ("" is the tracker's default, open).
    STATE_TOTALS = {"": "open", "open": "open", "overdue": "overdue", "done": "done", "all": "made"}
    summary_totals = None

    def base_queryset(self):
        return Action.objects.visible_to(self.request.user).with_context().with_is_overdue().order_by("due_date", "pk")

    def get_context_data(self, **kwargs):
        # The "by owner" summary: one grouped query over the visible actions, whatever their number. It runs first
        # because its totals are the listed count too (see get_paginator).
        rows = list(Action.objects.visible_to(self.request.user).counts_by_owner(datetime.date.today()))
        self.summary_totals = {column: sum(row[column] for row in rows) for column in ("open", "overdue", "done", "made")}
        for row in rows:
            del row["made"]  # only a total; the table (and its CSV) shows open, overdue and done
        context = super().get_context_data(**kwargs)
        context["by_owner"] = rows  # printed by tracker_tags.owner_summary_rows, in one pass
        return context

    def paginate_queryset(self, queryset, page_size):
        self.listed = queryset  # as filtered, for the count (get_paginator)
        return super().paginate_queryset(self.page_rows(queryset), page_size)

    @staticmethod
    def page_rows(queryset):
        """The listed actions with only the columns the tracker prints (tracker_tags.action_rows): one object a row, with
        its owner's and minute's columns alongside, instead of five (action, owner, minute, meeting, committee) of every
        column. The CSV download keeps the full rows of get_queryset."""
        return (
            queryset.select_related(None)
            .only("description", "owner_id", "owner_text", "due_date", "due_rule", "status", "completed_date", "meeting_date")
            .annotate(
                owner_slug=F("owner__slug"),
                owner_name=F("owner__name"),
                owner_full_name=F("owner__full_name"),
                owner_honorific=F("owner__honorific"),
                owner_kind=F("owner__kind"),
                minute_meeting_id=F("minute_item__meeting_id"),
                minute_prefix=F("minute_item__prefix"),
                minute_number=F("minute_item__number"),
            )
        )

    def listed_count(self) -> int | None:
        """The number of listed actions when the summary already knows it (no owner or committee filter), else None."""
        if not self.filterset.is_bound:
            return self.summary_totals["open"]  # no filters: the tracker's default, open actions
        if not self.filterset.is_valid():
            return self.summary_totals["made"]  # invalid filters list every visible action (get_queryset)
        data = self.filterset.form.cleaned_data
        if data.get("owner") or data.get("committee"):
            return None
        return self.summary_totals[self.STATE_TOTALS[data.get("state") or ""]]

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        count = self.listed_count() if self.summary_totals is not None else None
        if count is None:
            # Counted without the printed columns' joins (page_rows): the COUNT the list had before.
            count = self.listed.count()
        paginator.count = count  # Paginator.count is a cached_property: set here, it runs no other COUNT query
        return paginator


class QuestionListView(CSVExportMixin, ListView):
    template_name = "meetings/question_list.html"
    context_object_name = "questions"
    paginate_by = 25

    def get_queryset(self):
        return (
            Question.objects.visible_to(self.request.user)
            .select_related("meeting", "meeting__committee", "asker_person", "refers_to_meeting", "minute_item__meeting")
            .order_by("-written_response_owed", "written_response_date", "-meeting__date", "pk")
        )

    def paginate_queryset(self, queryset, page_size):
        self.listed = queryset  # counted as it is (get_paginator)
        return super().paginate_queryset(self.page_rows(queryset), page_size)

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        # Counted without the printed columns' joins (page_rows): the COUNT the list had before.
        paginator.count = self.listed.count()
        return paginator

    @staticmethod
    def page_rows(queryset):
        """The listed questions as one object a row with the printed dates and addresses of their meeting, minute and
        the meeting first raised at (register_tags.question_rows), instead of up to six objects of every column. The
        CSV keeps get_queryset's rows."""
        return (
            queryset.select_related(None)
            .only(
                "meeting_id",
                "minute_item_id",
                "refers_to_meeting_id",
                "asker_name",
                "kind",
                "question",
                "written_response_owed",
                "written_response_date",
            )
            .annotate(
                row_meeting_date=F("meeting__date"),
                row_minute_meeting_id=F("minute_item__meeting_id"),
                row_minute_number=F("minute_item__number"),
                row_refers_date=F("refers_to_meeting__date"),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = datetime.date.today()
        return context
