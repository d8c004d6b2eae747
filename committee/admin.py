"""Committees, people and seats. Saves go through committee.services; committees and seats are changed only by those
who support the committee (administrators may also set who supports it), and only administrators link logins."""

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError

from committee import checks, services
from committee.access import supported_committee_ids
from committee.admin_base import GovernedAdmin, GovernedInline
from committee.admin_checks import ChecksAdminMixin
from committee.models import Committee, Membership, Person, SpecialRole


class CommitteeRecordsAdmin(GovernedAdmin):
    def record_save(self, request, obj, form=None):
        if isinstance(obj, Committee):
            services.committee_save(committee=obj, by=request.user)
        elif isinstance(obj, Person):
            services.person_save(person=obj, by=request.user)
        else:
            services.seat_save(seat=obj, by=request.user)

    def record_delete(self, request, obj):
        services.record_delete(record=obj, by=request.user)


class MembershipInline(GovernedInline, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "role", "capacity", "start_date", "end_date"]


class SpecialRoleInline(GovernedInline, admin.TabularInline):
    model = SpecialRole
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["title", "person", "start_date", "end_date"]


@admin.register(Committee)
class CommitteeAdmin(ChecksAdminMixin, CommitteeRecordsAdmin):
    list_display = ["name", "short_name", "minute_prefix", "minute_numbering", "contact_name", "is_active"]
    list_filter = ["is_active", "minute_numbering"]
    search_fields = ["name", "short_name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, SpecialRoleInline]
    filter_horizontal = ["supporting_officers"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "short_name", "aliases", "remit", "is_active"]}),
        ("Minutes", {"fields": ["minute_prefix", "minute_numbering"]}),
        (
            "Summons (agenda front sheet)",
            {"fields": ["contact_name", "contact_phone", "contact_email", ("default_venue", "default_start_time"), "briefing_facilities"]},
        ),
        ("Who enters its records", {"fields": ["supporting_officers"]}),
    ]

    # Its "Checks" page: every check of the committee and of each of its meetings, for those who keep its record.
    checks_permission = "committee.view_committee"
    checks_lists_rules = True

    def checks_findings(self, committee):
        return checks.run_committee(committee)

    def get_queryset(self, request):
        # A committee's own particulars are public; administrators see every committee to say who supports it.
        qs = Committee.objects.all()
        return qs if services.may_manage_access(request.user) else qs.filter(pk__in=supported_committee_ids(request.user))

    def has_change_permission(self, request, obj=None):
        if obj is not None and services.may_manage_access(request.user):
            return True
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Who supports a committee is access management: administrators, and the committee's own clerks.
        if obj is not None and obj.pk not in supported_committee_ids(request.user) and services.may_manage_access(request.user):
            return [name for name in flatten_fieldsets(self.fieldsets) if name != "supporting_officers"]
        return []

    def save_related(self, request, form, formsets, change):
        # Nobody makes themselves a supporting officer (who then reads the committee's exempt papers): another
        # administrator or the committee's clerk does. Whoever adds a committee supports it (committee_save).
        before = set(form.instance.supporting_officers.values_list("pk", flat=True)) if change else None
        super().save_related(request, form, formsets, change)
        if before is not None and request.user.pk not in before and form.instance.supporting_officers.filter(pk=request.user.pk).exists():
            raise ValidationError({"supporting_officers": "You cannot add yourself: ask another administrator or the committee's clerk."})

    def get_prepopulated_fields(self, request, obj=None):
        return {} if self.get_readonly_fields(request, obj) else self.prepopulated_fields

    def get_inlines(self, request, obj):
        if obj is not None and obj.pk not in supported_committee_ids(request.user):
            return []
        return self.inlines


@admin.register(Person)
class PersonAdmin(CommitteeRecordsAdmin):
    list_display = ["name", "full_name", "honorific", "kind", "job_title", "organisation"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "full_name", "job_title", "organisation", "email"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]

    def get_readonly_fields(self, request, obj=None):
        # A councillor's login sees the committee's drafts and exempt papers: only administrators link logins.
        return [] if services.may_manage_access(request.user) else ["user"]


@admin.register(Membership)
class MembershipAdmin(CommitteeRecordsAdmin):
    list_display = ["person", "committee", "role", "capacity", "start_date", "end_date"]
    list_filter = ["committee", "role", "start_date"]
    search_fields = ["person__name", "person__full_name", "capacity"]
    autocomplete_fields = ["person"]
    list_select_related = ["person", "committee"]
    date_hierarchy = "start_date"


@admin.register(SpecialRole)
class SpecialRoleAdmin(CommitteeRecordsAdmin):
    list_display = ["title", "person", "committee", "start_date", "end_date"]
    list_filter = ["committee", "title"]
    search_fields = ["title", "person__name"]
    autocomplete_fields = ["person"]
    list_select_related = ["person", "committee"]
