"""Where officers keep plans, inspections and KPIs up to date; actions, updates, snapshots and figures save through services."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html

from committee.admin_base import HistoryWithoutRevert, ScopedChoicesMixin, ScopedDeletesMixin, ScopedRecordsMixin, scoped
from improvement import services
from improvement.models import (
    Board,
    ImpactMeasure,
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    Judgement,
    Measure,
    Measurement,
    Outcome,
    PlanPresentation,
    Priority,
    ProgressUpdate,
    RagRating,
    Recommendation,
)


def _short(text, n=80):
    return text if len(text) <= n else f"{text[: n - 1]}…"


class FollowUpFilter(admin.SimpleListFilter):
    """Overdue / due soon / open / completed: the questions anyone asks of a plan's actions."""

    title = "follow-up"
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("due_soon", "Due in the next 30 days"), ("open", "Not completed"), ("complete", "Completed")]

    def queryset(self, request, queryset):
        today = datetime.date.today()
        match self.value():
            case "overdue":
                return queryset.overdue(today)
            case "due_soon":
                return queryset.due_within(30, today)
            case "open":
                return queryset.open()
            case "complete":
                return queryset.complete()
        return queryset


class AnsweredFilter(admin.SimpleListFilter):
    """Recommendations with or without an action answering them."""

    title = "answered by an action"
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("no", "No action yet"), ("yes", "Answered")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.without_actions()
        if self.value() == "yes":
            return queryset.exclude(pk__in=queryset.without_actions().values("pk"))
        return queryset


# ---------------------------------------------------------------------------
# Boards and inspections
# ---------------------------------------------------------------------------
@admin.register(Board)
class BoardAdmin(ScopedDeletesMixin, ScopedChoicesMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "chair", "frequency", "established_on"]
    list_filter = ["frequency"]
    search_fields = ["name", "short_name", "chair"]
    prepopulated_fields = {"slug": ["name"]}


class JudgementInline(ScopedChoicesMixin, admin.TabularInline):
    model = Judgement
    extra = 0
    fields = ["order", "area", "grade"]


class RecommendationInline(ScopedChoicesMixin, admin.StackedInline):
    model = Recommendation
    extra = 0
    autocomplete_fields = ["actions"]
    fields = [("kind", "number"), "text", "framework", "actions", ("actions_provenance", "actions_basis")]


@admin.register(Inspection)
class InspectionAdmin(ScopedDeletesMixin, ScopedChoicesMixin, HistoryWithoutRevert):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "kind", "inspectorate", "start_date", "published_on", "improvement_notice", "action_plan_due"]
    list_filter = ["kind", "inspectorate", "improvement_notice"]
    search_fields = ["title", "subject", "report_reference", "outcome"]
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["follows", "agenda_items"]
    list_select_related = ["follows"]
    inlines = [JudgementInline, RecommendationInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", ("inspectorate", "kind"), "subject", ("start_date", "end_date"), "follows"]}),
        ("Report", {"fields": ["published_on", "report_reference", "report_url", "outcome", "previous_outcome", "summary"]}),
        (
            "Consequences and deadlines",
            {
                "fields": [
                    "improvement_notice",
                    "consequences",
                    "action_plan_due",
                    ("next_inspection_from", "next_inspection_to"),
                    "next_inspection_note",
                ]
            },
        ),
        ("At committee", {"fields": ["agenda_items"]}),
    ]


@admin.register(Recommendation)
class RecommendationAdmin(ScopedDeletesMixin, ScopedChoicesMixin, admin.ModelAdmin):
    list_display = ["__str__", "inspection", "kind", "framework", "action_count"]
    list_filter = [AnsweredFilter, "kind", "inspection"]
    search_fields = ["text", "framework", "inspection__title"]
    autocomplete_fields = ["inspection", "actions"]
    list_select_related = ["inspection"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_actions=Count("actions"))

    @admin.display(description="Answering actions", ordering="n_actions")
    def action_count(self, obj):
        return obj.n_actions


# ---------------------------------------------------------------------------
# Plan → priorities → outcomes → actions
# ---------------------------------------------------------------------------
class RagRatingInline(ScopedChoicesMixin, admin.TabularInline):
    model = RagRating
    extra = 0
    fields = ["order", "code", "action_meaning", "impact_meaning", "rank", "means_complete"]


class PriorityInline(ScopedChoicesMixin, admin.TabularInline):
    model = Priority
    extra = 0
    fields = ["number", "label", "short_label", "title", "theme"]
    show_change_link = True  # outcomes and their actions are entered on the priority's own page

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "title":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 60})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ImpactMeasureInline(ScopedChoicesMixin, admin.TabularInline):
    model = ImpactMeasure
    extra = 0
    fields = ["area_order", "area_label", "area_name", "priority", "order", "text", "also_relevant_to"]
    verbose_name = 'line of the impact register ("How will we measure impact?")'
    verbose_name_plural = 'impact register ("How will we measure impact?"), as printed'

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "priority" and formfield is not None:
            # Only this plan's own priorities (none yet on an add page).
            formfield.queryset = formfield.queryset.filter(plan_id=self.parent_object_id(request))
        return formfield

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 50})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class PlanPresentationInline(ScopedChoicesMixin, admin.TabularInline):
    model = PlanPresentation
    extra = 0
    autocomplete_fields = ["agenda_item"]
    fields = ["agenda_item", "as_at", "note", "taken_at"]
    readonly_fields = ["taken_at"]
    verbose_name = "meeting where the plan is presented (its snapshot is taken on save)"

    def get_queryset(self, request):
        # The plan is shared; each presentation belongs to the committee that had it on its agenda.
        return scoped(request, super().get_queryset(request))


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(ScopedDeletesMixin, ScopedChoicesMixin, HistoryWithoutRevert):
    list_display = ["name", "short_name", "board", "status", "period_start", "period_end", "submitted_on"]
    list_filter = ["status", "board"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["board", "inspections", "papers"]
    list_select_related = ["board"]
    inlines = [RagRatingInline, PriorityInline, ImpactMeasureInline, PlanPresentationInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "short_name", "board", "status", ("period_start", "period_end"), "period_note"]}),
        ("What it answers", {"fields": ["inspections", "submitted_on", "response_received_on", "response_summary", "published_on"]}),
        ("Text", {"fields": ["introduction", "rag_key_intro"], "classes": ["collapse"]}),
        ("Papers", {"fields": ["papers"]}),
    ]

    def save_formset(self, request, form, formset, change):
        if formset.model is PlanPresentation:
            # A presentation is a snapshot: creating one freezes the plan through the service.
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                obj.delete()
            for obj in instances:
                if obj.pk:
                    obj.as_at = obj.as_at or obj.agenda_item.meeting.date
                    obj.full_clean()
                    obj.save()
                else:
                    services.plan_presentation_create(
                        plan=form.instance, agenda_item=obj.agenda_item, as_at=obj.as_at, by=request.user, note=obj.note
                    )
            return
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not form.instance.rag_scale.exists():
            # Every plan needs a key; without one given, it gets the council's five-colour key.
            services.rag_scale_ensure(plan=form.instance)


class OutcomeInline(ScopedChoicesMixin, admin.StackedInline):
    model = Outcome
    extra = 0
    fields = [("number", "order"), "text", "note"]
    show_change_link = True  # its actions are entered on the outcome's own page


@admin.register(Priority)
class PriorityAdmin(ScopedDeletesMixin, ScopedChoicesMixin, admin.ModelAdmin):
    list_display = ["label", "title_short", "plan", "short_label", "theme", "lead"]
    list_filter = ["plan", "theme"]
    search_fields = ["label", "short_label", "title", "plan__name"]
    autocomplete_fields = ["plan"]
    list_select_related = ["plan"]
    inlines = [OutcomeInline]
    ordering = ["plan", "number"]

    @admin.display(description="Priority")
    def title_short(self, obj):
        return _short(obj.title)


class ImprovementActionInline(ScopedChoicesMixin, admin.StackedInline):
    model = ImprovementAction
    extra = 0
    fields = ["letter", "text", "accountable", ("timescale", "due_by"), "impact_measures", "links", "note"]
    show_change_link = True  # progress updates are added on the action's own page


@admin.register(Outcome)
class OutcomeAdmin(ScopedDeletesMixin, ScopedChoicesMixin, admin.ModelAdmin):
    list_display = ["number", "text_short", "priority"]
    list_filter = ["priority__plan"]
    search_fields = ["number", "text", "priority__title"]
    autocomplete_fields = ["priority"]
    list_select_related = ["priority", "priority__plan"]
    inlines = [ImprovementActionInline]
    ordering = ["priority__plan", "priority__number", "order"]

    @admin.display(description="Desired outcome")
    def text_short(self, obj):
        return _short(obj.text)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ImprovementAction:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            services.action_save(action=obj)
        formset.save_m2m()


class ProgressUpdateForm(forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["date", "rag", "narrative", "source"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 4, "cols": 60})}

    def clean(self):
        cleaned = super().clean()
        action_id = self.instance.action_id
        rag = cleaned.get("rag")
        if rag and action_id and not RagRating.objects.filter(plan__actions=action_id, code=rag).exists():
            self.add_error("rag", f"{rag.title()} is not on this plan's RAG key.")
        day = cleaned.get("date")
        if day and day > timezone.localdate():
            self.add_error("date", "Progress cannot be reported for a future date.")
        return cleaned


class ProgressUpdateAddForm(ProgressUpdateForm):
    """The stand-alone add form: the action is chosen on the form, so check the RAG against that action's plan."""

    class Meta(ProgressUpdateForm.Meta):
        fields = ["action", "date", "rag", "narrative", "source"]

    def clean(self):
        action = self.cleaned_data.get("action")
        if action is not None:
            self.instance.action = action
        return super().clean()


class AddProgressUpdateInline(ScopedChoicesMixin, admin.StackedInline):
    """The quick "add a progress update" form at the top of an action's page: only new rows, never edits."""

    model = ProgressUpdate
    form = ProgressUpdateForm
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = "new progress update"
    verbose_name_plural = "add a progress update"

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            # Start from the current rating, so an update that only adds evidence does not reset it.
            formset.form.base_fields["rag"].initial = obj.current_rag
        return formset


class ProgressHistoryInline(ScopedChoicesMixin, admin.TabularInline):
    """Earlier updates, read-only: a report once made is part of the record (clerks may delete one entered in error)."""

    model = ProgressUpdate
    extra = 0
    can_delete = False  # deletions go through the ProgressUpdate list, so the action's current RAG is recomputed
    fields = ["date", "rag", "narrative", "reported_by", "source", "created_at"]
    readonly_fields = fields
    ordering = ["-date", "-pk"]
    verbose_name = "earlier progress update"
    verbose_name_plural = "progress history (newest first)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(ImprovementAction)
class ImprovementActionAdmin(ScopedDeletesMixin, ScopedChoicesMixin, HistoryWithoutRevert):
    list_display = ["reference", "text_short", "plan", "timescale", "due_by", "rag", "last_update_on", "add_update_link"]
    list_filter = [FollowUpFilter, "plan", "current_rag", "priority"]
    search_fields = ["reference", "text", "accountable", "plan__short_name"]
    list_select_related = ["plan", "priority"]
    autocomplete_fields = ["outcome"]
    readonly_fields = ["plan", "priority", "reference", "current_rag_label", "last_update_on", "answers"]
    inlines = [AddProgressUpdateInline, ProgressHistoryInline]
    ordering = ["plan", "priority__number", "outcome__order", "order"]
    fieldsets = [
        (None, {"fields": [("plan", "priority"), "outcome", ("letter", "reference"), "text", "accountable"]}),
        ("When", {"fields": [("timescale", "due_by")]}),
        ("Impact", {"fields": [("current_rag_label", "last_update_on"), "impact_measures", "links", "answers", "note"]}),
    ]

    @admin.display(description="Action")
    def text_short(self, obj):
        return _short(obj.text)

    @admin.display(description="Impact RAG", ordering="current_rag")
    def rag(self, obj):
        return obj.rag_label

    @admin.display(description="Current impact RAG")
    def current_rag_label(self, obj):
        return obj.rag_label

    @admin.display(description="Answers")
    def answers(self, obj):
        recs = obj.recommendations.select_related("inspection") if obj.pk else []
        return "; ".join(f"{r.label} ({r.inspection.get_kind_display()})" for r in recs) or "No recommendation linked"

    @admin.display(description="")
    def add_update_link(self, obj):
        return format_html('<a href="{}#updates-group">Add update</a>', f"{obj.pk}/change/")

    def save_model(self, request, obj, form, change):
        services.action_save(action=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProgressUpdate:
            return super().save_formset(request, form, formset, change)
        # Only new rows are saved, and through the service; the admin's change message reads these lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if not inline_form.has_changed() or inline_form.instance.pk:
                continue
            data = inline_form.cleaned_data
            try:
                created = services.progress_update_create(
                    action=form.instance,
                    date=data["date"],
                    rag=data.get("rag", ""),
                    narrative=data.get("narrative", ""),
                    source=data.get("source", ""),
                    author=request.user,
                )
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), level=messages.ERROR)
            else:
                formset.new_objects.append(created)


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ScopedDeletesMixin, ScopedChoicesMixin, HistoryWithoutRevert):
    """Every update across plans. New ones go through the service; once saved, an update is read-only (clerks may delete)."""

    form = ProgressUpdateForm
    list_display = ["action", "date", "rag", "reported_by", "source", "created_at"]
    list_filter = ["rag", "action__plan", ("date", admin.DateFieldListFilter)]
    search_fields = ["narrative", "action__reference", "action__text", "author_name"]
    list_select_related = ["action", "author"]
    autocomplete_fields = ["action"]
    date_hierarchy = "date"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["action", "date", "rag", "narrative", "source"]
        return ["action", "date", "rag", "narrative", "author", "author_name", "source", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ProgressUpdateAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return  # read-only once made
        saved = services.progress_update_create(
            action=obj.action, date=obj.date, rag=obj.rag, narrative=obj.narrative, source=obj.source, author=request.user
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.progress_update_delete(update=obj)

    def delete_queryset(self, request, queryset):
        for update in queryset.select_related("action"):
            services.progress_update_delete(update=update)


@admin.register(PlanPresentation)
class PlanPresentationAdmin(ScopedRecordsMixin, ScopedDeletesMixin, ScopedChoicesMixin, admin.ModelAdmin):
    """A plan on an agenda item belongs to that item's committee: listed and changed only by those who support it."""

    list_display = ["plan", "agenda_item", "meeting_date", "as_at", "taken_at"]
    list_filter = ["plan", "agenda_item__meeting__committee"]
    search_fields = ["plan__name", "agenda_item__title", "note"]
    autocomplete_fields = ["plan", "agenda_item"]
    list_select_related = ["plan", "agenda_item", "agenda_item__meeting"]
    readonly_fields = ["taken_at", "taken_by"]
    fields = ["plan", "agenda_item", "as_at", "note", "taken_at", "taken_by"]
    actions = ["retake_snapshot"]

    @admin.display(description="Meeting", ordering="agenda_item__meeting__date")
    def meeting_date(self, obj):
        return obj.agenda_item.meeting.date

    def save_model(self, request, obj, form, change):
        if change:
            obj.as_at = obj.as_at or obj.agenda_item.meeting.date
            services.plan_presentation_retake(presentation=obj, by=request.user)
        else:
            services.plan_presentation_create(plan=obj.plan, agenda_item=obj.agenda_item, as_at=obj.as_at, by=request.user, note=obj.note)

    @admin.action(description="Retake the snapshot as at each presentation's date")
    def retake_snapshot(self, request, queryset):
        for presentation in queryset.select_related("plan"):
            services.plan_presentation_retake(presentation=presentation, by=request.user)
        self.message_user(request, f"Retook {queryset.count()} snapshot(s).", level=messages.SUCCESS)


# ---------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------
class MeasurementInline(ScopedChoicesMixin, admin.TabularInline):
    """The last three years; older figures are in the Measurements list (a long inline would be unusable)."""

    model = Measurement
    extra = 1
    fields = [
        "period_label",
        "period_start",
        "period_end",
        "value",
        "national",
        "regional",
        "statistical_neighbours",
        "illustrative",
        "note",
        "source",
    ]
    ordering = ["-period_end"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(period_end__gte=datetime.date.today() - datetime.timedelta(days=3 * 366))


@admin.register(Measure)
class MeasureAdmin(ScopedDeletesMixin, ScopedChoicesMixin, HistoryWithoutRevert):
    list_display = ["name", "unit", "polarity", "target_value", "target_date", "frequency", "is_active"]
    list_filter = ["is_active", "unit", "frequency", "priorities__plan"]
    search_fields = ["name", "definition", "source", "owner"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["priorities"]
    inlines = [MeasurementInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "definition", ("unit", "decimals"), "polarity", "frequency", "source", "owner", "is_active"]}),
        (
            "Baseline and target",
            {"fields": [("baseline_value", "baseline_period"), "baseline_note", ("target_value", "target_date"), "target_note"]},
        ),
        ("RAG thresholds", {"fields": [("green_threshold", "amber_threshold")]}),
        ("Links", {"fields": ["priorities", "note"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset, True if search_term else may_have_duplicates

    def save_formset(self, request, form, formset, change):
        if formset.model is not Measurement:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            fields = {f: getattr(obj, f) for f in MeasurementInline.fields if f not in ("period_end", "value")}
            services.measurement_record(measure=form.instance, period_end=obj.period_end, value=obj.value, **fields)


@admin.register(Measurement)
class MeasurementAdmin(ScopedDeletesMixin, ScopedChoicesMixin, admin.ModelAdmin):
    list_display = ["measure", "label", "period_end", "value", "illustrative"]
    list_filter = ["illustrative", "measure"]
    search_fields = ["measure__name", "period_label", "note", "source"]
    autocomplete_fields = ["measure"]
    list_select_related = ["measure"]
    date_hierarchy = "period_end"

    def save_model(self, request, obj, form, change):
        fields = {f: getattr(obj, f) for f in MeasurementInline.fields if f not in ("period_end", "value")}
        if change and obj.pk:
            obj.full_clean()
            obj.save()
        else:
            services.measurement_record(measure=obj.measure, period_end=obj.period_end, value=obj.value, **fields)
