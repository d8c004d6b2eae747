"""The officers' and clerks' data-entry interface. Saves go through meetings.services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from committee.models import Committee
from meetings import followthrough, services
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


class CommitteeScopedAdmin(SimpleHistoryAdmin):
    """Officers and clerks see and change only the records of committees they support (querysets, not menus)."""

    committee_lookup = "committee"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.committee_lookup}__in": Committee.objects.supported_by(request.user)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Committee and not request.user.is_superuser:
            kwargs["queryset"] = Committee.objects.supported_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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


# ---------------------------------------------------------------------------
# Meeting, with its agenda, attendance and minutes as inlines
# ---------------------------------------------------------------------------
class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    fk_name = "meeting"
    autocomplete_fields = ["presenter", "minutes_of"]
    fields = [
        ("number", "kind", "report_status"),
        "title",
        "description",
        "sponsor",
        "presenter",
        "minutes_of",
        "exempt_paragraph",
        ("page_start", "page_end"),
    ]
    show_change_link = True


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "role", "capacity", "order"]


class SpeakerLinkInline(admin.TabularInline):
    """Where the minutes name someone the attendance list cannot settle ("Councillor Arif" with two Arifs present)."""

    model = SpeakerLink
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["as_minuted", "person"]
    verbose_name = "who a name in the minutes means"
    verbose_name_plural = "who names in the minutes mean (only where a name could be more than one person)"


class DeclarationInline(admin.TabularInline):
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
            if not form.instance.prefix:
                form.instance.prefix = meeting.committee.minute_prefix


class MinuteItemInline(admin.StackedInline):
    model = MinuteItem
    form = MinuteItemInlineForm
    formset = MinuteItemInlineFormSet
    extra = 0
    show_change_link = True  # resolutions and actions are entered on the minute item's own page

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agenda_item":
            meeting_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = AgendaItem.objects.filter(meeting_id=meeting_id) if meeting_id else AgendaItem.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Meeting)
class MeetingAdmin(CommitteeScopedAdmin):
    list_display = ["date", "committee", "start_time", "venue", "status", "agenda_status", "minutes_status", "minutes_published"]
    list_filter = ["committee", "status", "agenda_status", "minutes_status", "minutes_published", ("date", admin.DateFieldListFilter)]
    actions = ["publish_agenda", "withdraw_agenda", "publish_draft_minutes", "unpublish_draft_minutes"]
    search_fields = ["venue", "committee__name", "agenda_items__title", "minute_items__title"]
    date_hierarchy = "date"
    list_select_related = ["committee"]
    ordering = ["-date"]
    inlines = [AgendaItemInline, AttendanceInline, DeclarationInline, MinuteItemInline, SpeakerLinkInline]
    readonly_fields = ["minutes_approved_by", "agenda_status", "agenda_published_at", "minutes_published"]
    fieldsets = [
        (None, {"fields": ["committee", ("date", "start_time"), "venue", "status"]}),
        ("Publication", {"fields": [("agenda_status", "agenda_published_at"), "minutes_published"]}),
        ("Summons", {"fields": ["briefing_facilities", "notes"], "classes": ["collapse"]}),
        (
            "Record of the meeting",
            {
                "fields": [
                    ("started_at", "ended_at"),
                    ("public_attendance_count", "public_attendance_note"),
                    "minutes_status",
                    "minutes_approved_by",
                ]
            },
        ),
    ]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True if search_term else may_have_duplicates

    def has_publish_permission(self, request):
        return request.user.has_perm("meetings.publish_meeting")

    def _run(self, request, queryset, service, done, **kwargs):
        for meeting in queryset:
            try:
                service(meeting=meeting, by=request.user, **kwargs)
            except ValidationError as error:
                self.message_user(request, f"{meeting}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{meeting}: {done}.", messages.SUCCESS)

    @admin.action(description="Publish the agenda of the selected meetings", permissions=["publish"])
    def publish_agenda(self, request, queryset):
        self._run(request, queryset, services.meeting_publish_agenda, "agenda published")

    @admin.action(description="Withdraw the agenda of the selected meetings", permissions=["publish"])
    def withdraw_agenda(self, request, queryset):
        self._run(request, queryset, services.meeting_withdraw_agenda, "agenda withdrawn")

    @admin.action(description="Publish the draft minutes (marked DRAFT) of the selected meetings", permissions=["publish"])
    def publish_draft_minutes(self, request, queryset):
        self._run(request, queryset, services.minutes_publish_draft, "draft minutes published")

    @admin.action(description="Take the draft minutes of the selected meetings out of public view", permissions=["publish"])
    def unpublish_draft_minutes(self, request, queryset):
        self._run(request, queryset, services.minutes_unpublish, "draft minutes withdrawn")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        meeting = form.instance
        if not change and not meeting.agenda_items.exists():
            # A new meeting entered without an agenda gets the standing items with the council's wording.
            services.agenda_add_standard_items(meeting=meeting)
        services.meeting_minutes_started(meeting=meeting)
        # The minutes, the attendance or the speaker links may have changed: who spoke is worked out again.
        services.meeting_speakers_refresh(meeting=meeting)
        # A meeting added, moved or cancelled changes what "by the next meeting" means.
        followthrough.commitments_reresolve(committee_id=meeting.committee_id)


# ---------------------------------------------------------------------------
# Minute item, with its resolutions and actions
# ---------------------------------------------------------------------------
class ResolutionInline(admin.TabularInline):
    model = Resolution
    extra = 1
    autocomplete_fields = ["approves_minutes_of"]
    fields = ["number", "text", "kind", "approves_minutes_of"]


class ActionInline(admin.StackedInline):
    model = Action
    extra = 0
    autocomplete_fields = ["owner"]
    fields = [
        "description",
        ("kind", "resolution"),
        ("owner", "owner_text", "owed_to"),
        ("due_rule", "due_date"),
        ("status", "completed_date"),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "resolution":
            minute_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Resolution.objects.filter(minute_item_id=minute_id) if minute_id else Resolution.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class QuestionInline(admin.StackedInline):
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


class MinuteItemAdminForm(forms.ModelForm):
    # The version the editor started from; a mismatch on save means someone else saved in between.
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = MinuteItem
        fields = ["meeting", "number", "prefix", "title", "agenda_item", "is_exempt", "body"]

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
            if not cleaned.get("prefix") and not self.instance.pk:
                cleaned["prefix"] = meeting.committee.minute_prefix
                self.instance.prefix = cleaned["prefix"]
        return cleaned


@admin.register(MinuteItem)
class MinuteItemAdmin(CommitteeScopedAdmin):
    committee_lookup = "meeting__committee"
    form = MinuteItemAdminForm
    list_display = ["reference", "title", "meeting", "agenda_item"]
    list_filter = ["meeting__committee", ("meeting__date", admin.DateFieldListFilter)]
    search_fields = ["title", "body", "prefix", "=number"]
    list_select_related = ["meeting", "meeting__committee", "agenda_item"]
    autocomplete_fields = ["meeting"]
    inlines = [ResolutionInline, ActionInline, QuestionInline]
    ordering = ["-meeting__date", "-number"]
    readonly_fields = ["speakers_found"]

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

    def save_model(self, request, obj, form, change):
        try:
            services.minute_item_save(minute_item=obj, expected_version=form.cleaned_data.get("seen_version"), by=request.user)
        except services.EditConflict as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        services.meeting_minutes_started(meeting=obj.meeting)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Action:
            for action in formset.instance.actions.all():
                followthrough.commitment_resolve_due(action=action)
        if formset.model is Resolution:
            for resolution in formset.instance.resolutions.filter(kind=Resolution.Kind.APPROVE_MINUTES):
                try:
                    services.minutes_approve(resolution=resolution)
                except ValidationError as error:
                    self.message_user(request, "; ".join(error.messages), level="warning")


# ---------------------------------------------------------------------------
# Registers and supporting records
# ---------------------------------------------------------------------------
@admin.register(AgendaItem)
class AgendaItemAdmin(CommitteeScopedAdmin):
    committee_lookup = "meeting__committee"
    list_display = ["title", "number", "meeting", "kind", "report_status", "exempt_paragraph", "page_start", "page_end"]
    list_filter = ["kind", "report_status", "exempt_paragraph", "meeting__committee"]
    search_fields = ["title", "description", "sponsor"]
    list_select_related = ["meeting", "meeting__committee"]
    autocomplete_fields = ["meeting", "presenter", "minutes_of"]


@admin.register(Document)
class DocumentAdmin(CommitteeScopedAdmin):
    committee_lookup = "agenda_item__meeting__committee"
    list_display = ["title", "kind", "agenda_item", "report_from", "cover_date"]
    list_filter = ["kind", "agenda_item__meeting__committee"]
    search_fields = ["title", "subject", "report_from", "contact_officer", "body_source"]
    list_select_related = ["agenda_item", "agenda_item__meeting"]
    autocomplete_fields = ["agenda_item"]
    fieldsets = [
        (None, {"fields": ["agenda_item", "order", "title", "kind"]}),
        ("Cover sheet", {"fields": ["cover_meeting", "cover_date", "subject", "report_from", "contact_officer"]}),
        ("Content", {"fields": ["body_source", "file", "background_papers"]}),
    ]


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 1
    fields = ["date", "text"]


@admin.register(Action)
class ActionAdmin(CommitteeScopedAdmin):
    committee_lookup = "minute_item__meeting__committee"
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
    readonly_fields = ["due_meeting", "flagged_at"]
    fieldsets = [
        (None, {"fields": ["minute_item", "resolution", "kind", "description"]}),
        ("Who owes it, to whom, by when", {"fields": [("owner", "owner_text"), "owed_to", ("due_rule", "due_date"), "due_meeting"]}),
        ("Follow-through", {"fields": [("status", "completed_date"), "provided_by_item", "question", "flagged_at"]}),
    ]
    list_select_related = ["owner", "minute_item", "minute_item__meeting"]
    autocomplete_fields = ["owner", "minute_item", "provided_by_item", "question"]
    inlines = [ActionUpdateInline]
    ordering = ["due_date"]

    @admin.display(description="Action")
    def description_short(self, obj):
        return obj.description[:80]

    def save_model(self, request, obj, form, change):
        followthrough.commitment_resolve_due(action=obj, save=False)
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        return {"status": Action.Status.OPEN, **super().get_changeform_initial_data(request)}


@admin.register(Resolution)
class ResolutionAdmin(CommitteeScopedAdmin):
    committee_lookup = "minute_item__meeting__committee"
    list_display = ["text_short", "kind", "minute_item"]
    list_filter = ["kind", "minute_item__meeting__committee"]
    search_fields = ["text", "minute_item__title"]
    list_select_related = ["minute_item", "minute_item__meeting"]
    autocomplete_fields = ["minute_item", "approves_minutes_of"]

    @admin.display(description="Resolution")
    def text_short(self, obj):
        return obj.text[:100]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.kind == Resolution.Kind.APPROVE_MINUTES:
            services.minutes_approve(resolution=obj)


@admin.register(Question)
class QuestionAdmin(CommitteeScopedAdmin):
    committee_lookup = "meeting__committee"
    list_display = ["asker_name", "kind", "meeting", "written_response_owed", "written_response_date"]
    list_filter = ["kind", "submitted", "written_response_owed", "meeting__committee"]
    search_fields = ["asker_name", "question", "answer"]
    list_select_related = ["meeting", "meeting__committee"]
    autocomplete_fields = ["meeting", "minute_item", "asker_person", "refers_to_meeting"]


@admin.register(WorkProgrammeItem)
class WorkProgrammeItemAdmin(CommitteeScopedAdmin):
    committee_lookup = "committee"
    list_display = ["topic", "committee", "status", "planned_for"]
    list_filter = ["committee", "status"]
    search_fields = ["topic", "description"]
    list_select_related = ["committee", "planned_for"]
    autocomplete_fields = ["source_minute", "planned_for", "agenda_item"]


@admin.register(Attendance)
class AttendanceAdmin(CommitteeScopedAdmin):
    committee_lookup = "meeting__committee"
    list_display = ["person", "meeting", "role", "capacity"]
    list_filter = ["role", "meeting__committee"]
    search_fields = ["person__name", "capacity"]
    list_select_related = ["person", "meeting", "meeting__committee"]
    autocomplete_fields = ["person", "meeting"]

    # Who was present decides who the minutes' names can mean.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.meeting_speakers_refresh(meeting=obj.meeting)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.meeting_speakers_refresh(meeting=obj.meeting)

    def delete_queryset(self, request, queryset):
        meetings = list({a.meeting for a in queryset.select_related("meeting")})
        super().delete_queryset(request, queryset)
        for meeting in meetings:
            services.meeting_speakers_refresh(meeting=meeting)


@admin.register(DeclarationOfInterest)
class DeclarationOfInterestAdmin(CommitteeScopedAdmin):
    committee_lookup = "meeting__committee"
    list_display = ["person", "meeting", "agenda_item", "interest_type"]
    list_filter = ["interest_type", "meeting__committee"]
    search_fields = ["person__name", "nature"]
    list_select_related = ["person", "meeting", "agenda_item"]
    autocomplete_fields = ["person", "meeting", "agenda_item"]
