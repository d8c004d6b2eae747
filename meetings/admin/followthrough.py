"""Admin for follow-through records: recommendations to the executive, subscriptions, sent reminders and notices."""

from django.contrib import admin

from meetings.admin.core import CommitteeScopedAdmin
from meetings.models import PublicationNotice, Recommendation, ReminderLog, Subscription


@admin.register(Recommendation)
class RecommendationAdmin(CommitteeScopedAdmin):
    list_display = ["text_short", "to_body", "sent_date", "response", "response_date", "implementation", "committee"]
    list_filter = ["committee", "to_body", "response", "implementation"]
    search_fields = ["text", "to_body", "response_reason", "implementation_note"]
    list_select_related = ["committee"]
    autocomplete_fields = ["minute_item", "resolution", "implementation_confirmed_at"]
    fieldsets = [
        (None, {"fields": ["committee", "minute_item", "resolution", "text", ("to_body", "sent_date")]}),
        ("Response", {"fields": [("response", "response_date", "response_due_date"), "response_reason"]}),
        ("Implementation confirmed by members", {"fields": [("implementation", "implementation_confirmed_at"), "implementation_note"]}),
    ]

    @admin.display(description="Recommendation")
    def text_short(self, obj):
        return obj.text[:90]


class ReadOnlyScopedAdmin(CommitteeScopedAdmin):
    """Records the system keeps (e-mails sent, subscriptions): read, scoped to the user's committees, never typed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyScopedAdmin):
    list_display = ["user", "committee", "created_at"]
    list_filter = ["committee"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "committee"]
    autocomplete_fields = ["user"]


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyScopedAdmin):
    """Read-only record of reminders sent by `send_reminders`."""

    list_display = ["action", "kind", "due_date", "recipient", "sent_at"]
    list_filter = ["kind", ("sent_at", admin.DateFieldListFilter)]
    search_fields = ["recipient", "action__description"]
    list_select_related = ["action"]


@admin.register(PublicationNotice)
class PublicationNoticeAdmin(ReadOnlyScopedAdmin):
    """Read-only record of publication e-mails sent to subscribers."""

    list_display = ["meeting", "kind", "version", "recipients", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["meeting__committee__name"]
    list_select_related = ["meeting", "meeting__committee"]
