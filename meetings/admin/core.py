"""The officers' and clerks' data-entry interface. Every save, delete and status change goes through meetings.services;
every list, choice and history page is scoped to the committees the user supports (committee.admin_base)."""

from adminsortable2.admin import SortableAdminBase, SortableStackedInline
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from committee.access import supported_committee_ids
from committee.admin_base import GovernedAdmin, GovernedInline, Step
from committee.models import Committee
from committee.provenance import Provenance
from meetings import services
from meetings.admin.roll_call import RollCallMixin
from meetings.models import (
    Action,
    ActionUpdate,
    AgendaItem,
    Attendance,
    DeclarationOfInterest,
    Document,
    Meeting,
    MinuteItem,
    Question,
    Resolution,
    SpeakerLink,
    WorkProgrammeItem,
)


class MeetingsAdmin(GovernedAdmin):
    """Saves and deletes of meetings records go through their actions (meetings.services.record_save / record_delete)."""

    def record_save(self, request, obj, form=None):
        services.record_save(record=obj, by=request.user)

    def record_delete(self, request, obj):
        services.record_delete(record=obj, by=request.user)


# Kept for the other meetings admin modules: the committee-scoped base under its earlier name.
CommitteeScopedAdmin = MeetingsAdmin


class OpenOverdueFilter(admin.SimpleListFilter):
    """Open / overdue / done, the three questions anyone asks of an action list."""

    title = "follow-up"
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("overdue", "Overdue"), ("done", "Done")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "done":
            return queryset.done()
        return queryset


class OfThisMeetingMixin(GovernedInline):
    """Agenda-item choices on a meeting's page are that meeting's items only."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "agenda_item" and formfield is not None:
            meeting_id = self.parent_object_id(request)
            formfield.queryset = formfield.queryset.filter(meeting_id=meeting_id) if meeting_id else formfield.queryset.none()
        return formfield


# ---------------------------------------------------------------------------
# Meeting, with its agenda, attendance and minutes as inlines
# ---------------------------------------------------------------------------
class AgendaItemInlineForm(forms.ModelForm):
    """An agenda item, and its report added right here (a title and an uploaded PDF or the text): the rest of its
    papers, and the report's cover sheet, are on the item's own page."""

    paper_title = forms.CharField(label="Report title", required=False, help_text="To add the item's report now.")
    paper_file = forms.FileField(label="Report (PDF)", required=False)
    paper_text = forms.CharField(
        label="or the report's text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Markdown: ## for headings, | for tables.",
    )

    class Meta:
        model = AgendaItem
        fields = ["kind", "report_status", "title", "description", "sponsor", "presenter", "minutes_of", "exempt_paragraph"]

    def clean_paper_file(self):
        from django.core.files.uploadedfile import UploadedFile

        from meetings.pdf import validate_pdf_upload

        file = self.cleaned_data.get("paper_file")
        if isinstance(file, UploadedFile):
            validate_pdf_upload(file)
        return file

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("paper_file") or cleaned.get("paper_text")) and not cleaned.get("paper_title"):
            self.add_error("paper_title", "Give the report a title.")
        return cleaned


class AgendaItemInline(GovernedInline, SortableStackedInline):
    """The agenda builder: drag items into order (django-admin-sortable2); numbers follow the order when saved."""

    model = AgendaItem
    form = AgendaItemInlineForm
    extra = 0
    fk_name = "meeting"
    ordering = ["number"]
    autocomplete_fields = ["presenter", "minutes_of"]
    fields = [
        ("kind", "report_status"),
        "title",
        "description",
        "sponsor",
        "presenter",
        "minutes_of",
        "exempt_paragraph",
        ("page_start", "page_end"),
        ("printed_page_start", "printed_page_end"),
        "paper_title",
        ("paper_file", "paper_text"),
    ]
    readonly_fields = ["page_start", "page_end"]
    show_change_link = True


class ProvenanceDefaultsForm(forms.ModelForm):
    """Where-it-came-from fields default to the council's record: a form that leaves one out (or blank) means "recorded"."""

    provenance_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.provenance_fields:
            if name in self.fields:
                self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        for name in self.provenance_fields:
            if name in self.fields and not cleaned.get(name):
                cleaned[name] = Provenance.RECORDED
        return cleaned


class AttendanceForm(ProvenanceDefaultsForm):
    provenance_fields = ("role_provenance",)


class AttendanceInline(GovernedInline, admin.TabularInline):
    model = Attendance
    form = AttendanceForm
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "role", "role_provenance", "capacity", "order"]


class SpeakerLinkInline(GovernedInline, admin.TabularInline):
    """Where the minutes name someone the attendance list cannot settle ("Councillor Arif" with two Arifs present)."""

    model = SpeakerLink
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["as_minuted", "person"]
    verbose_name = "who a name in the minutes means"
    verbose_name_plural = "who names in the minutes mean (only where a name could be more than one person)"


class DeclarationInline(OfThisMeetingMixin, admin.TabularInline):
    model = DeclarationOfInterest
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "agenda_item", "interest_type", "nature"]


class MinuteItemInlineForm(forms.ModelForm):
    class Meta:
        model = MinuteItem
        fields = ["number", "title", "agenda_item", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = "Leave blank to take the next number in the committee's sequence."


class MinuteItemInlineFormSet(forms.BaseInlineFormSet):
    """Fills in blank minute numbers and refuses numbers already used in the sequence, next to the field."""

    def clean(self):
        super().clean()
        meeting = self.instance
        if not getattr(meeting, "committee_id", None) or not meeting.date:
            return
        live = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        typed = [f.cleaned_data.get("number") for f in live if f.cleaned_data.get("number")]
        next_number = max([services.next_minute_number(meeting=meeting), *[n + 1 for n in typed]])
        seen = {}
        for form in live:
            number = form.cleaned_data.get("number")
            if not number:
                number = next_number
                next_number += 1
                form.instance.number = number
                form.cleaned_data["number"] = number
            if number in seen:
                form.add_error("number", f"Minute number {number} is used twice on this page.")
                continue
            seen[number] = form
            clash = services.minute_number_clash(meeting=meeting, number=number, exclude_pk=form.instance.pk)
            if clash and clash.meeting_id != meeting.pk:
                form.add_error("number", f"Minute {clash.reference} is already used at the meeting of {clash.meeting.date:%-d %B %Y}.")


class MinuteItemInline(OfThisMeetingMixin, admin.StackedInline):
    model = MinuteItem
    form = MinuteItemInlineForm
    formset = MinuteItemInlineFormSet
    extra = 0
    show_change_link = True  # resolutions and actions are entered on the minute item's own page


def _meeting_steps():
    """The meeting page's buttons: each runs one action, after a confirmation saying what becomes public."""
    publish = "meetings.publish_meeting"
    return {
        "publish_agenda": Step(
            label="Publish the agenda (web page only)",
            explain=lambda m: " ".join(
                [
                    "The agenda and every paper not marked exempt become public on the meeting's page, in search, the "
                    "feeds and the open data API, and the committee's subscribers are e-mailed. Exempt papers stay private.",
                    *(f"Check first: {problem}" for problem in services.agenda_problems(m)),
                ]
            ),
            run=lambda request, m, data: services.meeting_publish_agenda(meeting=m, by=request.user, reason=data["reason"]),
            shown=lambda m: services.AGENDA.allowed(m, "publish") and m.status != Meeting.Status.CANCELLED,
            permission=publish,
        ),
        "withdraw_agenda": Step(
            label="Withdraw the agenda",
            explain="The agenda and its papers leave public view (members and officers keep them). Say why.",
            run=lambda request, m, data: services.meeting_withdraw_agenda(meeting=m, by=request.user, reason=data["reason"]),
            shown=lambda m: services.AGENDA.allowed(m, "withdraw"),
            permission=publish,
            reason_required=True,
        ),
        "publish_draft_minutes": Step(
            label="Publish the draft minutes",
            explain=(
                "The minutes become public marked DRAFT, before the committee approves them: every minute, decision, "
                "action and question not taken in private. Subscribers are e-mailed."
            ),
            run=lambda request, m, data: services.minutes_publish_draft(meeting=m, by=request.user, reason=data["reason"]),
            shown=lambda m: services.MINUTES.allowed(m, "publish_draft"),
            permission=publish,
        ),
        "unpublish_draft_minutes": Step(
            label="Take the draft minutes out of public view",
            explain="The draft minutes leave public view until they are approved or published again. Say why.",
            run=lambda request, m, data: services.minutes_unpublish(meeting=m, by=request.user, reason=data["reason"]),
            shown=lambda m: services.MINUTES.allowed(m, "unpublish_draft"),
            permission=publish,
            reason_required=True,
        ),
        "add_exclusion": Step(
            label="Add the exclusion of the press and public",
            explain=(
                "Puts the motion to exclude the press and public before the first exempt item, naming the paragraphs of "
                "Schedule 12A its exempt items fall under, so the committee can resolve it before taking them in private."
            ),
            run=lambda request, m, data: services.agenda_add_exclusion(meeting=m, by=request.user),
            shown=services.exclusion_wanted,
            permission="meetings.change_agendaitem",
        ),
        "mark_held": Step(
            label="Mark as held",
            explain="Records that the meeting took place, so its minutes can be written.",
            run=lambda request, m, data: services.meeting_change_status(
                meeting=m, move="mark_held", by=request.user, reason=data["reason"]
            ),
            shown=lambda m: services.MEETING_STATUS.allowed(m, "mark_held"),
            permission="meetings.change_meeting",
        ),
        "postpone": Step(
            label="Postpone",
            explain="The meeting is shown as postponed; commitments due at it move to the next meeting going ahead.",
            run=lambda request, m, data: services.meeting_change_status(meeting=m, move="postpone", by=request.user, reason=data["reason"]),
            shown=lambda m: services.MEETING_STATUS.allowed(m, "postpone"),
            permission="meetings.change_meeting",
            reason_required=True,
        ),
        "cancel": Step(
            label="Cancel the meeting",
            explain="The meeting is shown as cancelled; commitments due at it move to the next meeting going ahead.",
            run=lambda request, m, data: services.meeting_change_status(meeting=m, move="cancel", by=request.user, reason=data["reason"]),
            shown=lambda m: services.MEETING_STATUS.allowed(m, "cancel"),
            permission="meetings.change_meeting",
            reason_required=True,
        ),
        "reinstate": Step(
            label="Reinstate the meeting",
            explain="The meeting is scheduled again.",
            run=lambda request, m, data: services.meeting_change_status(
                meeting=m, move="reinstate", by=request.user, reason=data["reason"]
            ),
            shown=lambda m: services.MEETING_STATUS.allowed(m, "reinstate"),
            permission="meetings.change_meeting",
        ),
    }


class MeetingAdminForm(ProvenanceDefaultsForm):
    provenance_fields = ("start_time_provenance", "venue_provenance", "agenda_provenance")

    class Meta:
        model = Meeting
        fields = ["committee", "date", "start_time", "venue", "briefing_facilities", "notes", "started_at", "ended_at"]
        fields += ["public_attendance_count", "public_attendance_note"]
        fields += ["start_time_provenance", "venue_provenance", "agenda_provenance", "apologies_not_recorded"]
        fields += ["contact_name", "contact_phone", "contact_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, usual in (("venue", "venue"), ("start_time", "time")):
            if name in self.fields:
                self.fields[name].required = False
                self.fields[name].help_text = f"Leave blank for the committee's usual {usual}."


@admin.register(Meeting)
class MeetingAdmin(RollCallMixin, SortableAdminBase, MeetingsAdmin):
    list_display = ["date", "committee", "start_time", "venue", "status", "agenda_status", "minutes_status", "minutes_published"]
    list_filter = ["committee", "status", "agenda_status", "minutes_status", "minutes_published", ("date", admin.DateFieldListFilter)]
    actions = []
    search_fields = ["venue", "committee__name", "agenda_items__title", "minute_items__title"]
    date_hierarchy = "date"
    list_select_related = ["committee"]
    ordering = ["-date"]
    inlines = [AgendaItemInline, AttendanceInline, DeclarationInline, MinuteItemInline, SpeakerLinkInline]
    # Statuses move only by the buttons at the top of the page (steps), never by editing a field.
    readonly_fields = [
        "status",
        "minutes_status",
        "minutes_approved_by",
        "minutes_approval_provenance",
        "agenda_status",
        "agenda_published_at",
        "agenda_published_provenance",
        "minutes_published",
    ]
    fieldsets = [
        (None, {"fields": ["committee", ("date", "start_time"), "venue", "status"]}),
        ("Publication", {"fields": [("agenda_status", "agenda_published_at", "agenda_published_provenance"), "minutes_published"]}),
        (
            "Summons",
            {"fields": ["briefing_facilities", "notes", ("contact_name", "contact_phone", "contact_email")], "classes": ["collapse"]},
        ),
        # Where a value is not the council's record, so every page, CSV, feed and PDF marks it (committee.provenance).
        (
            "Where these come from",
            {"fields": [("start_time_provenance", "venue_provenance"), "agenda_provenance", "apologies_not_recorded"]},
        ),
        (
            "Record of the meeting",
            {
                "fields": [
                    ("started_at", "ended_at"),
                    ("public_attendance_count", "public_attendance_note"),
                    "minutes_status",
                    "minutes_approved_by",
                    "minutes_approval_provenance",
                ]
            },
        ),
    ]
    steps = _meeting_steps()
    form = MeetingAdminForm

    def get_changeform_initial_data(self, request):
        """A clerk who supports one committee finds it chosen, with its usual venue and time."""
        initial = super().get_changeform_initial_data(request)
        supported = list(Committee.objects.filter(pk__in=supported_committee_ids(request.user))[:2])
        if len(supported) == 1 and "committee" not in initial:
            committee = supported[0]
            initial |= {"committee": committee.pk, "venue": committee.default_venue, "start_time": committee.default_start_time}
        return initial

    def save_formset(self, request, form, formset, change):
        if formset.model is not AgendaItem:
            return super().save_formset(request, form, formset, change)
        # The agenda as a whole: deletions, then every item numbered in the order the clerk left them.
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            self._inline_step(formset, obj, lambda o: self.record_delete(request, o))
        deleted = {obj.pk for obj in formset.deleted_objects}
        items = [f.instance for f in formset.forms if f.instance.pk not in deleted and (f.instance.pk or f.has_changed())]
        items = [item for item in items if not (item.pk is None and not item.title)]
        if items:
            try:
                services.agenda_reorder(meeting=form.instance, items=items, by=request.user)
            except ValidationError as error:
                raise ValidationError([f"Agenda: {m}" for m in error.messages]) from error
        # Reports added with their items: each saved through the paper's own action (body, tagged-PDF check).
        for item_form in formset.forms:
            data = getattr(item_form, "cleaned_data", None) or {}
            if not data.get("paper_title") or data.get("DELETE"):
                continue
            item = item_form.instance
            paper = Document(
                agenda_item=item,
                order=item.documents.count() + 1,
                title=data["paper_title"],
                body_source=data.get("paper_text") or "",
                cover_meeting=item.meeting.committee.name,
                cover_date=f"{item.meeting.date.day} {item.meeting.date:%B %Y}",
                subject=item.title,
            )
            if data.get("paper_file"):
                paper.file = data["paper_file"]
            for note in (
                self._inline_step(formset, paper, lambda p: services.document_save(document=p, by=request.user, pdf_changed=bool(p.file)))
                or []
            ):
                messages.warning(request, f"{paper.title}: {note}")

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True if search_term else may_have_duplicates

    def has_publish_permission(self, request):
        return request.user.has_perm("meetings.publish_meeting")

    def save_model(self, request, obj, form, change):
        # Standing items are added after the inlines (save_related), only if the clerk entered no agenda of their own.
        services.meeting_save(meeting=obj, by=request.user, with_standard_items=False)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        meeting = form.instance
        if not change and not meeting.agenda_items.exists():
            services.agenda_add_standard_items(meeting=meeting, by=request.user)


# ---------------------------------------------------------------------------
# Minute item, with its resolutions and actions
# ---------------------------------------------------------------------------
class ResolutionInlineFormSet(forms.BaseInlineFormSet):
    """An approval that cannot stand is refused next to its field, before anything is saved."""

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or data.get("kind") != Resolution.Kind.APPROVE_MINUTES:
                continue
            form.instance.minute_item = self.instance
            form.instance.approves_minutes_of = data.get("approves_minutes_of")
            if problem := services.approval_problem(form.instance):
                form.add_error("approves_minutes_of", problem)


class ResolutionInline(GovernedInline, admin.TabularInline):
    model = Resolution
    formset = ResolutionInlineFormSet
    extra = 1
    autocomplete_fields = ["approves_minutes_of"]
    fields = ["number", "text", "kind", "approves_minutes_of"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["number"].required = False
        formset.form.base_fields["number"].help_text = "Leave blank: numbered in the order typed."
        return formset


class ActionInlineForm(forms.ModelForm):
    """An action names its decision by number ("2" for the second "It was agreed:" line), so it can point at a decision
    typed in the same save, and stays with it however the list is sorted."""

    resolution_number = forms.IntegerField(
        label="Agreed under decision no.", required=False, min_value=1, help_text="The number of the decision above, if any."
    )

    class Meta:
        model = Action
        fields = ["description", "kind", "owner", "owner_text", "owed_to", "due_rule", "due_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.resolution_id:
            self.fields["resolution_number"].initial = self.instance.resolution.number


class ActionInline(GovernedInline, admin.StackedInline):
    model = Action
    form = ActionInlineForm
    extra = 0
    ordering = ["pk"]  # in the order typed, as the minutes list them
    autocomplete_fields = ["owner"]
    fields = [
        "description",
        ("kind", "resolution_number"),
        ("owner", "owner_text", "owed_to"),
        ("due_rule", "due_date"),
        "status",
    ]
    readonly_fields = ["status"]


class QuestionInline(GovernedInline, admin.StackedInline):
    model = Question
    extra = 0
    fk_name = "minute_item"
    autocomplete_fields = ["asker_person", "refers_to_meeting"]
    fields = [
        ("kind", "submitted"),
        ("asker_name", "asker_person"),
        "question",
        "answer",
        "answered_by",
        ("written_response_owed", "written_response_date"),
        "refers_to_meeting",
    ]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        parent = obj

        class SameMeeting(formset):
            def save_new(self, form, commit=True):
                # A question minuted here was asked at this minute's meeting.
                form.instance.meeting_id = parent.meeting_id if parent else None
                return super().save_new(form, commit)

        return SameMeeting


class MinuteItemAdminForm(forms.ModelForm):
    # The version the editor started from; a mismatch on save means someone else saved in between.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MinuteItem
        fields = ["meeting", "number", "prefix", "title", "agenda_item", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["prefix"].required = False
        self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = MinuteItem.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if cleaned.get("seen_version") is not None and current != cleaned["seen_version"]:
                # Nothing is saved; the form comes back with everything this editor typed.
                raise ValidationError(
                    "Someone else saved this minute item while you were editing it. Your text is still below: "
                    "copy it, open the item again to see their changes, and add yours."
                )
        meeting = cleaned.get("meeting")
        if meeting:
            if not cleaned.get("number"):
                cleaned["number"] = services.next_minute_number(meeting=meeting)
                self.instance.number = cleaned["number"]
            clash = services.minute_number_clash(meeting=meeting, number=cleaned["number"], exclude_pk=self.instance.pk)
            if clash:
                self.add_error("number", f"Minute {clash.reference} is already used at the meeting of {clash.meeting.date:%-d %B %Y}.")
            agenda_item = cleaned.get("agenda_item")
            if agenda_item and agenda_item.meeting_id != meeting.pk:
                self.add_error("agenda_item", "Choose an item of this meeting's agenda.")
        return cleaned


@admin.register(MinuteItem)
class MinuteItemAdmin(MeetingsAdmin):
    form = MinuteItemAdminForm
    list_display = ["reference", "title", "meeting", "agenda_item", "is_exempt"]
    list_filter = ["meeting__committee", "is_exempt", ("meeting__date", admin.DateFieldListFilter)]
    search_fields = ["title", "body", "prefix", "=number"]
    list_select_related = ["meeting", "meeting__committee", "agenda_item"]
    autocomplete_fields = ["meeting"]
    inlines = [ResolutionInline, ActionInline, QuestionInline]
    ordering = ["-meeting__date", "-number"]
    readonly_fields = ["is_exempt", "speakers_found"]

    @admin.display(description="Councillors named as speaking")
    def speakers_found(self, obj):
        """What the text names, as worked out from it (edit the text, or say who a name means on the meeting)."""
        if not obj.pk:
            return "Worked out from the text when the minute is saved."
        rows = [
            f"{s.as_minuted}: {s.person.display_name if s.person else s.get_match_display().lower()}"
            + (f" ({s.candidates})" if s.candidates else "")
            + (", asked a question" if s.asked else "")
            for s in obj.speakers.select_related("person")
        ]
        return format_html_join(mark_safe("<br>"), "{}", ((row,) for row in rows)) if rows else "None named."

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agenda_item":
            kwargs["queryset"] = AgendaItem.objects.with_meeting()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def step_context(self, request, object_id):
        # Back to the meeting the minute belongs to, where the rest of its record is entered.
        context = super().step_context(request, object_id)
        meeting_id = MinuteItem.objects.filter(pk=object_id).values_list("meeting_id", flat=True).first() if object_id else None
        if meeting_id:
            link = (reverse("admin:meetings_meeting_change", args=[meeting_id]), "Back to the meeting")
            context["step_buttons"] = [link, *context.get("step_buttons", [])]
        return context

    def save_model(self, request, obj, form, change):
        services.minute_item_save(minute_item=obj, by=request.user, expected_version=form.cleaned_data.get("seen_version"))

    def save_formset(self, request, form, formset, change):
        if formset.model is Action:
            # Decisions are saved first (their inline comes first), so a number typed for one just added finds it.
            decisions = {r.number: r for r in form.instance.resolutions.all()}
            for action_form in formset.forms:
                number = (getattr(action_form, "cleaned_data", None) or {}).get("resolution_number")
                if number and number not in decisions:
                    raise ValidationError(f"There is no decision {number} on this minute for the action “{action_form.instance}”.")
                action_form.instance.resolution = decisions.get(number)
        return super().save_formset(request, form, formset, change)


# ---------------------------------------------------------------------------
# Registers and supporting records
# ---------------------------------------------------------------------------
@admin.register(AgendaItem)
class AgendaItemAdmin(MeetingsAdmin):
    list_display = ["title", "number", "meeting", "kind", "report_status", "exempt_paragraph", "page_start", "page_end"]
    list_filter = ["kind", "report_status", "exempt_paragraph", "meeting__committee"]
    search_fields = ["title", "description", "sponsor"]
    list_select_related = ["meeting", "meeting__committee"]
    autocomplete_fields = ["meeting", "presenter", "minutes_of"]


@admin.register(Document)
class DocumentAdmin(MeetingsAdmin):
    list_display = ["title", "kind", "agenda_item", "report_from", "cover_date"]
    list_filter = ["kind", "agenda_item__meeting__committee"]
    search_fields = ["title", "subject", "report_from", "contact_officer", "body_source"]
    list_select_related = ["agenda_item", "agenda_item__meeting"]
    autocomplete_fields = ["agenda_item"]
    fieldsets = [
        (None, {"fields": ["agenda_item", "order", "title", "kind"]}),
        (
            "Cover sheet",
            {"fields": ["cover_meeting", "cover_date", "subject", "report_from", "contact_officer", ("classification", "decision_type")]},
        ),
        ("Content", {"fields": ["body_source", "file", "background_papers"]}),
    ]


class ActionUpdateInline(GovernedInline, admin.TabularInline):
    model = ActionUpdate
    extra = 1
    fields = ["date", "text"]


def _action_steps():
    change = "meetings.change_action"
    moves = services.ACTION_STATUS
    return {
        "complete": Step(
            label="Mark done",
            explain="The action is recorded as done on the date given; the follow-through record counts it on time or late.",
            run=lambda request, a, data: services.action_change_status(
                action=a, move="complete", by=request.user, on=data["on"], note=data["note"], reason=data["reason"]
            ),
            shown=lambda a: moves.allowed(a, "complete"),
            permission=change,
            fields={
                "on": forms.DateField(label="Done on", widget=forms.DateInput(attrs={"type": "date"})),
                "note": forms.CharField(label="How (added to its updates)", required=False, widget=forms.Textarea(attrs={"rows": 3})),
            },
        ),
        "start": Step(
            label="Mark in progress",
            explain="The action is shown as in progress.",
            run=lambda request, a, data: services.action_change_status(action=a, move="start", by=request.user, reason=data["reason"]),
            shown=lambda a: moves.allowed(a, "start"),
            permission=change,
        ),
        "cancel": Step(
            label="Cancel the action",
            explain="The action is recorded as cancelled (it no longer counts as outstanding). Say why.",
            run=lambda request, a, data: services.action_change_status(action=a, move="cancel", by=request.user, reason=data["reason"]),
            shown=lambda a: moves.allowed(a, "cancel"),
            permission=change,
            reason_required=True,
        ),
        "reopen": Step(
            label="Reopen the action",
            explain="The action is open again. Say why.",
            run=lambda request, a, data: services.action_change_status(action=a, move="reopen", by=request.user, reason=data["reason"]),
            shown=lambda a: moves.allowed(a, "reopen"),
            permission=change,
            reason_required=True,
        ),
    }


@admin.register(Action)
class ActionAdmin(MeetingsAdmin):
    list_display = ["description_short", "kind", "owner", "owner_text", "due_date", "status", "completed_date", "minute_item"]
    list_filter = [
        OpenOverdueFilter,
        "status",
        "kind",
        "due_rule",
        "minute_item__meeting__committee",
        ("due_date", admin.DateFieldListFilter),
    ]
    search_fields = ["description", "owner__name", "owner_text", "owed_to"]
    readonly_fields = ["due_meeting", "flagged_at", "status", "completed_date"]
    fieldsets = [
        (None, {"fields": ["minute_item", "resolution", "kind", "description"]}),
        ("Who owes it, to whom, by when", {"fields": [("owner", "owner_text"), "owed_to", ("due_rule", "due_date"), "due_meeting"]}),
        ("Follow-through", {"fields": [("status", "completed_date"), "provided_by_item", "question", "flagged_at"]}),
    ]
    list_select_related = ["owner", "minute_item", "minute_item__meeting"]
    autocomplete_fields = ["owner", "minute_item", "provided_by_item", "question"]
    inlines = [ActionUpdateInline]
    ordering = ["due_date"]
    steps = _action_steps()

    @admin.display(description="Action")
    def description_short(self, obj):
        return obj.description[:80]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "resolution" and formfield is not None:
            action_id = self.parent_object_id(request)
            minute_id = Action.objects.filter(pk=action_id).values_list("minute_item_id", flat=True).first() if action_id else None
            formfield.queryset = formfield.queryset.filter(minute_item_id=minute_id) if minute_id else formfield.queryset.none()
        return formfield


class ResolutionAdminForm(forms.ModelForm):
    class Meta:
        model = Resolution
        fields = ["minute_item", "number", "text", "kind", "approves_minutes_of"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Resolution.Kind.APPROVE_MINUTES and cleaned.get("minute_item"):
            self.instance.minute_item = cleaned["minute_item"]
            self.instance.approves_minutes_of = cleaned.get("approves_minutes_of")
            if problem := services.approval_problem(self.instance):
                self.add_error("approves_minutes_of", problem)
        return cleaned


@admin.register(Resolution)
class ResolutionAdmin(MeetingsAdmin):
    form = ResolutionAdminForm
    list_display = ["text_short", "kind", "minute_item"]
    list_filter = ["kind", "minute_item__meeting__committee"]
    search_fields = ["text", "minute_item__title"]
    list_select_related = ["minute_item", "minute_item__meeting"]
    autocomplete_fields = ["minute_item", "approves_minutes_of"]

    @admin.display(description="Resolution")
    def text_short(self, obj):
        return obj.text[:100]


@admin.register(Question)
class QuestionAdmin(MeetingsAdmin):
    list_display = ["asker_name", "kind", "meeting", "written_response_owed", "written_response_date"]
    list_filter = ["kind", "submitted", "written_response_owed", "meeting__committee"]
    search_fields = ["asker_name", "question", "answer"]
    list_select_related = ["meeting", "meeting__committee"]
    autocomplete_fields = ["meeting", "minute_item", "asker_person", "refers_to_meeting"]


@admin.register(WorkProgrammeItem)
class WorkProgrammeItemAdmin(MeetingsAdmin):
    list_display = ["topic", "committee", "status", "planned_for"]
    list_filter = ["committee", "status"]
    search_fields = ["topic", "description"]
    list_select_related = ["committee", "planned_for"]
    autocomplete_fields = ["source_minute", "planned_for", "agenda_item"]


@admin.register(Attendance)
class AttendanceAdmin(MeetingsAdmin):
    form = AttendanceForm
    list_display = ["person", "meeting", "role", "capacity"]
    list_filter = ["role", "meeting__committee"]
    search_fields = ["person__name", "capacity"]
    list_select_related = ["person", "meeting", "meeting__committee"]
    autocomplete_fields = ["person", "meeting"]


@admin.register(DeclarationOfInterest)
class DeclarationOfInterestAdmin(MeetingsAdmin):
    list_display = ["person", "meeting", "agenda_item", "interest_type"]
    list_filter = ["interest_type", "meeting__committee"]
    search_fields = ["person__name", "nature"]
    list_select_related = ["person", "meeting", "agenda_item"]
    autocomplete_fields = ["person", "meeting", "agenda_item"]
