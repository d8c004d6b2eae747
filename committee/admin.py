from django.contrib import admin

from committee.models import Committee, Membership, Person, SpecialRole


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "role", "capacity", "start_date", "end_date"]


class SpecialRoleInline(admin.TabularInline):
    model = SpecialRole
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["title", "person", "start_date", "end_date"]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "minute_prefix", "minute_numbering", "contact_name", "is_active"]
    list_filter = ["is_active", "minute_numbering"]
    search_fields = ["name", "short_name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, SpecialRoleInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "short_name", "aliases", "remit", "is_active"]}),
        ("Minutes", {"fields": ["minute_prefix", "minute_numbering"]}),
        (
            "Summons (agenda front sheet)",
            {"fields": ["contact_name", "contact_phone", "contact_email", "default_venue", "briefing_facilities"]},
        ),
    ]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "full_name", "honorific", "kind", "job_title", "organisation"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "full_name", "job_title", "organisation", "email"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "committee", "role", "capacity", "start_date", "end_date"]
    list_filter = ["committee", "role", "start_date"]
    search_fields = ["person__name", "person__full_name", "capacity"]
    autocomplete_fields = ["person"]
    list_select_related = ["person", "committee"]
    date_hierarchy = "start_date"


@admin.register(SpecialRole)
class SpecialRoleAdmin(admin.ModelAdmin):
    list_display = ["title", "person", "committee", "start_date", "end_date"]
    list_filter = ["committee", "title"]
    search_fields = ["title", "person__name"]
    autocomplete_fields = ["person"]
    list_select_related = ["person", "committee"]
