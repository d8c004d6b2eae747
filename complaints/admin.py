"""Complaints admin. Personal data appears only for users with complaints.view_personal_data (the Complaints officer role).

Saves go through complaints.services, so due dates, working days and closure follow the same rules as every other path.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from committee.admin_base import GovernedAdmin, HistoryWithoutRevert, Step
from complaints import access, services
from complaints.models import AnnualReport, Complaint, ComplaintPersonalData, Compliment, LearningAction, OmbudsmanCase, Stage, Team, Theme
from complaints.years import FinancialYear


def sees_personal_data(request) -> bool:
    return access.sees_personal_data(request.user)


class ServiceDeleteMixin:
    """Deletions go through the service too, so the figures' cache knows the data changed."""

    def delete_model(self, request, obj):
        services.record_delete(record=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.record_delete(record=obj)


# ---------------------------------------------------------------------------
# List filters
# ---------------------------------------------------------------------------
class FinancialYearFilter(admin.SimpleListFilter):
    """Financial years (April to March) of the date field named by `field_name`."""

    title = "financial year"
    parameter_name = "year"
    field_name = "received_date"

    def lookups(self, request, model_admin):
        this_year = FinancialYear.of(datetime.date.today()).start_year
        return [(FinancialYear(y).slug, FinancialYear(y).label) for y in range(this_year, this_year - 8, -1)]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            year = FinancialYear.parse(self.value())
        except ValueError:
            return queryset.none()
        return queryset.filter(**{f"{self.field_name}__range": year.bounds})


class StageYearFilter(FinancialYearFilter):
    field_name = "opened_date"


class OpenOverdueFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("overdue", "Overdue"), ("closed", "Closed")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "closed":
            return queryset.filter(closed_date__isnull=False)
        return queryset


class ComplaintStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("closed", "Closed"), ("anonymised", "Anonymised")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(closed_date__isnull=True)
        if self.value() == "closed":
            return queryset.filter(closed_date__isnull=False)
        if self.value() == "anonymised":
            return queryset.filter(anonymised_at__isnull=False)
        return queryset


# ---------------------------------------------------------------------------
# Complaint, with its stages and (for complaints officers) personal data
# ---------------------------------------------------------------------------
STAGE_FIELDSETS = [
    (None, {"fields": [("number", "opened_date", "due_date")]}),
    ("Extension", {"fields": [("extended_to", "extension_letter_sent"), "extension_reason"]}),
    (
        "Outcome",
        {
            "fields": [
                ("response_date", "closed_date", "working_days_taken"),
                ("outcome", "withdrawal_reason"),
                ("financial_remedy_offered", "financial_remedy_amount"),
            ]
        },
    ),
    ("Stage 2: investigation", {"fields": [("investigating_officer", "independent_person")]}),
    ("Stage 3: review panel", {"fields": [("panel_date", "panel_report_date", "panel_recommendations_count"), "panel_recommendations"]}),
]


class StageInlineFormSet(forms.BaseInlineFormSet):
    """Stages run 1, 2, 3 without gaps, each opening after the one before; errors sit next to the field."""

    def clean(self):
        super().clean()
        live = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("number")]
        deleted = {f.instance.number for f in self.forms if f.cleaned_data and f.cleaned_data.get("DELETE") and f.instance.pk}
        by_number: dict[int, Stage] = {}
        for form in sorted(live, key=lambda f: f.cleaned_data["number"]):
            number = form.cleaned_data["number"]
            if number in by_number:
                form.add_error("number", f"There is already a Stage {number} for this complaint.")
                continue
            stage = form.instance
            stage.number, stage.opened_date = number, form.cleaned_data.get("opened_date")
            stage.complaint = self.instance
            earlier = {n: s for n, s in by_number.items() if n not in deleted}
            if number > 1 and number - 1 not in earlier:
                form.add_error("number", f"Stage {number} needs a Stage {number - 1} first.")
            else:
                try:
                    services.stage_check_sequence(stage=stage, earlier=earlier)
                except ValidationError as error:
                    if hasattr(error, "error_dict"):
                        for field, errors in error.error_dict.items():
                            form.add_error(field if field in form.fields else None, errors)
                    else:
                        form.add_error(None, error)
            by_number[number] = stage
        kept = set(by_number)
        for number in deleted:
            if number + 1 in kept:
                raise ValidationError(f"Stage {number} cannot be deleted while Stage {number + 1} exists.")


class StageInline(admin.StackedInline):
    model = Stage
    formset = StageInlineFormSet
    extra = 0
    max_num = 3
    fieldsets = STAGE_FIELDSETS
    readonly_fields = ["due_date", "working_days_taken"]
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A stage added here is the next one (Stage 1 for a new complaint); escalating is the button at the top.
        latest = obj.stages.order_by("-number").values_list("number", flat=True).first() if obj and obj.pk else None
        formset.form.base_fields["number"].initial = min((latest or 0) + 1, 3)
        return formset


class PersonalDataInline(admin.StackedInline):
    """Only for holders of complaints.view_personal_data, whatever their other permissions."""

    model = ComplaintPersonalData
    extra = 1
    max_num = 1
    can_delete = False
    fields = [
        ("complainant_name", "complainant_phone", "complainant_email"),
        "complainant_address",
        ("child_name", "child_date_of_birth"),
        "narrative",
    ]

    def has_view_permission(self, request, obj=None):
        return sees_personal_data(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return sees_personal_data(request) and not (obj and obj.anonymised_at) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return sees_personal_data(request) and super().has_change_permission(request, obj)


class ComplaintAdminForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = [
            "reference",
            "received_date",
            "received_how",
            "procedure",
            "complainant_type",
            "child_in_care_or_care_leaver",
            "advocacy_used",
            "via_mp_or_councillor",
            "teams",
            "primary_theme",
            "themes",
            "informal_contact_date",
            "resolved_informally",
            "equality_age",
            "equality_sex",
            "equality_ethnicity",
            "equality_disability",
            "lessons_learnt_returned",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "reference" in self.fields:
            self.fields["reference"].required = False


def _escalation_label(complaint) -> str:
    current = complaint.stages.order_by("-number").values_list("number", flat=True).first() or 0
    return f"Escalate to Stage {current + 1}"


COMPLAINT_STEPS = {
    "escalate": Step(
        label="Escalate to the next stage",
        explain=lambda c: (
            f"{_escalation_label(c)}: the current stage closes as escalated on the date given and the next stage opens "
            "then, due in its statutory working days."
        ),
        run=lambda request, c, data: services.complaint_escalate(complaint=c, opened_date=data["opened_date"]),
        shown=lambda c: c.closed_date is None and 0 < (c.current_stage or 0) < 3,
        permission="complaints.change_complaint",
        fields={"opened_date": forms.DateField(label="Next stage opened on", widget=forms.DateInput(attrs={"type": "date"}))},
    )
}


@admin.register(Complaint)
class ComplaintAdmin(ServiceDeleteMixin, GovernedAdmin):
    form = ComplaintAdminForm
    inlines = [StageInline, PersonalDataInline]
    list_display = ["reference", "received_date", "procedure", "complainant_type", "stage", "status"]
    list_filter = [
        ComplaintStatusFilter,
        FinancialYearFilter,
        "procedure",
        "complainant_type",
        "received_how",
        "child_in_care_or_care_leaver",
        "teams",
        "primary_theme",
    ]
    date_hierarchy = "received_date"
    autocomplete_fields = ["teams", "themes", "primary_theme"]
    readonly_fields = ["informal_contact_due", "current_stage", "closed_date", "anonymised_at"]
    ordering = ["-received_date", "-reference"]
    search_fields = ["=reference"]  # widened for complaints officers in get_search_fields
    actions = ["anonymise"]
    steps = COMPLAINT_STEPS
    fieldsets = [
        (None, {"fields": [("reference", "received_date", "received_how"), ("procedure", "complainant_type")]}),
        (
            "About the complaint",
            {"fields": [("child_in_care_or_care_leaver", "advocacy_used", "via_mp_or_councillor"), "teams", "primary_theme", "themes"]},
        ),
        ("Informal resolution", {"fields": [("informal_contact_due", "informal_contact_date", "resolved_informally")]}),
        (
            "Equality monitoring",
            {"fields": [("equality_age", "equality_sex"), ("equality_ethnicity", "equality_disability")], "classes": ["collapse"]},
        ),
        ("Follow-up", {"fields": ["lessons_learnt_returned", ("current_stage", "closed_date", "anonymised_at")]}),
    ]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        # Personal data is joined only for those allowed to see it.
        return qs.select_related("personal_data") if sees_personal_data(request) else qs

    def get_inlines(self, request, obj):
        return self.inlines if sees_personal_data(request) else [StageInline]

    def get_search_fields(self, request):
        # Searching by name would tell a user without the permission which complaint a person made.
        if sees_personal_data(request):
            return ["=reference", "personal_data__complainant_name", "personal_data__child_name"]
        return ["=reference"]

    def get_list_display(self, request):
        return [*self.list_display[:1], "complainant", *self.list_display[1:]] if sees_personal_data(request) else self.list_display

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not (sees_personal_data(request) and request.user.has_perm("complaints.change_complaint")):
            actions.pop("anonymise", None)
        return actions

    @admin.display(description="Complainant")
    def complainant(self, obj):
        # Only listed for holders of the permission (get_list_display); a complaint may have no personal data.
        data = getattr(obj, "personal_data", None)
        return data.complainant_name if data else ""

    @admin.display(description="Stage", ordering="current_stage")
    def stage(self, obj):
        if obj.current_stage:
            return f"Stage {obj.current_stage}"
        return "Resolved informally" if obj.resolved_informally else "Informal"

    @admin.display(description="Status")
    def status(self, obj):
        if obj.anonymised_at:
            return "Anonymised"
        return "Closed" if obj.closed_date else "Open"

    @admin.action(description="Anonymise selected complaints (remove personal data)")
    def anonymise(self, request, queryset):
        count = sum(services.complaint_anonymise(complaint=c) for c in queryset)
        self.message_user(request, f"{count} complaint{'s' if count != 1 else ''} anonymised.", messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        services.complaint_save(complaint=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is Stage:
            stages = formset.save(commit=False)
            for stage in formset.deleted_objects:
                stage.delete()
            for stage in sorted(stages, key=lambda s: s.number):
                stage.complaint = form.instance
                services.stage_save(stage=stage)
        elif formset.model is ComplaintPersonalData:
            if not sees_personal_data(request):
                return
            for data in formset.save(commit=False):
                fields = {
                    f.name: getattr(data, f.name) for f in ComplaintPersonalData._meta.concrete_fields if f.name not in ("id", "complaint")
                }
                services.personal_data_save(complaint=form.instance, **fields)
        else:
            super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        complaint = form.instance
        if complaint.primary_theme_id:
            complaint.themes.add(complaint.primary_theme)
        services.complaint_refresh(complaint=complaint)


# ---------------------------------------------------------------------------
# Stages on their own (for the work-list view of the admin)
# ---------------------------------------------------------------------------
STAGE_FIELDS = [
    "number",
    "opened_date",
    "extended_to",
    "extension_reason",
    "extension_letter_sent",
    "response_date",
    "closed_date",
    "outcome",
    "withdrawal_reason",
    "financial_remedy_offered",
    "financial_remedy_amount",
    "investigating_officer",
    "independent_person",
    "panel_date",
    "panel_report_date",
    "panel_recommendations_count",
    "panel_recommendations",
]


class StageAdminForm(forms.ModelForm):
    class Meta:
        model = Stage
        fields = ["complaint", *STAGE_FIELDS]

    def clean(self):
        cleaned = super().clean()
        stage = self.instance
        if cleaned.get("complaint") and cleaned.get("number"):
            stage.complaint, stage.number, stage.opened_date = cleaned["complaint"], cleaned["number"], cleaned.get("opened_date")
            clash = Stage.objects.filter(complaint=stage.complaint, number=stage.number).exclude(pk=stage.pk).exists()
            if clash:
                self.add_error("number", f"This complaint already has a Stage {stage.number}.")
            else:
                try:
                    services.stage_check_sequence(stage=stage)
                except ValidationError as error:
                    self.add_error(None, error)
        return cleaned


@admin.register(Stage)
class StageAdmin(ServiceDeleteMixin, HistoryWithoutRevert):
    form = StageAdminForm
    list_display = ["__str__", "number", "opened_date", "due_date", "extended_to", "closed_date", "outcome", "working_days_taken"]
    list_filter = [OpenOverdueFilter, StageYearFilter, "number", "outcome", "complaint__teams"]
    search_fields = ["=complaint__reference"]
    list_select_related = ["complaint"]
    autocomplete_fields = ["complaint"]
    readonly_fields = ["due_date", "working_days_taken"]
    ordering = ["due_date"]
    fieldsets = [(None, {"fields": ["complaint"]}), *STAGE_FIELDSETS]

    def save_model(self, request, obj, form, change):
        services.stage_save(stage=obj)


# ---------------------------------------------------------------------------
# Reference lists, the LGSCO, compliments, learning, published figures
# ---------------------------------------------------------------------------
@admin.register(Team)
class TeamAdmin(ServiceDeleteMixin, HistoryWithoutRevert):
    list_display = ["name", "order", "valid_from", "valid_to"]
    list_filter = [("valid_to", admin.EmptyFieldListFilter)]
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["order", "name"]

    def save_model(self, request, obj, form, change):
        services.reference_save(record=obj)


@admin.register(Theme)
class ThemeAdmin(ServiceDeleteMixin, HistoryWithoutRevert):
    list_display = ["name", "order"]
    list_filter = [("aliases", admin.EmptyFieldListFilter)]
    search_fields = ["name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["order", "name"]

    def save_model(self, request, obj, form, change):
        services.reference_save(record=obj)


class ReceivedYearFilter(FinancialYearFilter):
    field_name = "received_date"


@admin.register(OmbudsmanCase)
class OmbudsmanCaseAdmin(ServiceDeleteMixin, HistoryWithoutRevert):
    list_display = ["__str__", "service_area", "decision", "decision_date", "remedy_completed_date", "closed_date"]
    list_filter = [ReceivedYearFilter, "service_area", "decision"]
    search_fields = ["lgsco_reference", "=complaint__reference"]
    list_select_related = ["complaint"]
    autocomplete_fields = ["complaint"]

    def save_model(self, request, obj, form, change):
        services.ombudsman_case_save(case=obj)


@admin.register(Compliment)
class ComplimentAdmin(ServiceDeleteMixin, HistoryWithoutRevert):
    list_display = ["received_date", "team", "source", "publish_quote"]
    list_filter = [ReceivedYearFilter, "team", "source", "publish_quote"]
    search_fields = ["quote", "team__name"]
    list_select_related = ["team"]
    autocomplete_fields = ["team"]
    date_hierarchy = "received_date"

    def save_model(self, request, obj, form, change):
        services.compliment_save(compliment=obj)


class RaisedYearFilter(FinancialYearFilter):
    field_name = "raised_date"


@admin.register(LearningAction)
class LearningActionAdmin(ServiceDeleteMixin, HistoryWithoutRevert):
    list_display = ["__str__", "category", "owner", "team", "status", "due_date", "completed_date"]
    list_filter = [RaisedYearFilter, "category", "status", "team"]
    search_fields = ["description", "owner", "=complaint__reference"]
    list_select_related = ["team", "complaint"]
    autocomplete_fields = ["complaint", "stage", "team"]

    def save_model(self, request, obj, form, change):
        services.learning_action_save(action=obj)


@admin.register(AnnualReport)
class AnnualReportAdmin(ServiceDeleteMixin, HistoryWithoutRevert):
    list_display = ["year", "figures_as_at", "lgsco_council_total", "lgsco_note"]
    search_fields = ["year", "lgsco_note"]
    list_filter = [("figures_as_at", admin.EmptyFieldListFilter)]

    def save_model(self, request, obj, form, change):
        services.annual_report_save(report=obj)
