"""Follow-through: recommendations to the executive, subscriptions, and the logs that make reminders send once."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from committee.models import Committee
from committee.scoping import CommitteeScopedQuerySet
from meetings.models.core import Meeting, MinuteItem, Resolution, content_visible_q

__all__ = ["PublicationNotice", "Recommendation", "ReminderLog", "Subscription"]


class RecommendationQuerySet(CommitteeScopedQuerySet):
    def visible_to(self, user):
        """Recommendations `user` may read (those made in minutes they may read)."""
        return self.filter(content_visible_q(user, minute_path="minute_item__"))

    def awaiting_response(self):
        """Sent, with no response yet."""
        return self.filter(response=Recommendation.Response.PENDING)

    def with_context(self):
        """Eager-load committee, minute and meeting."""
        return self.select_related("committee", "minute_item", "minute_item__meeting", "implementation_confirmed_at")


class Recommendation(models.Model):
    """Scrutiny's formal output: a recommendation to the executive or another body, and what became of it."""

    class Response(models.TextChoices):
        PENDING = "pending", "Awaiting response"
        ACCEPTED = "accepted", "Accepted"
        PARTLY_ACCEPTED = "partly_accepted", "Partly accepted"
        REJECTED = "rejected", "Rejected"

    class Implementation(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        IMPLEMENTED = "implemented", "Implemented"
        NOT_IMPLEMENTED = "not_implemented", "Not implemented"

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="recommendations")
    minute_item = models.ForeignKey(MinuteItem, on_delete=models.PROTECT, related_name="recommendations")
    resolution = models.ForeignKey(Resolution, null=True, blank=True, on_delete=models.SET_NULL, related_name="recommendations")
    text = models.TextField(help_text="The recommendation as agreed.")
    to_body = models.CharField(max_length=200, default="Cabinet", help_text='Who it went to, e.g. "Cabinet", "Health Scrutiny Committee".')
    sent_date = models.DateField(null=True, blank=True)
    response_due_date = models.DateField(
        null=True, blank=True, help_text="The executive must respond within two months (Local Government Act 2000, s9FE)."
    )
    response = models.CharField(max_length=20, choices=Response.choices, default=Response.PENDING, db_index=True)
    response_date = models.DateField(null=True, blank=True)
    response_reason = models.TextField(blank=True, help_text="The body's reasons, especially for a rejection.")
    implementation = models.CharField(max_length=20, choices=Implementation.choices, default=Implementation.NOT_STARTED)
    implementation_note = models.TextField(blank=True)
    implementation_confirmed_at = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The meeting at which members confirmed implementation progress.",
    )

    history = HistoricalRecords()
    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_date", "pk"]
        indexes = [models.Index(fields=["committee", "response"])]

    def __str__(self):
        return f"To {self.to_body}: {self.text[:70]}"


class SubscriptionQuerySet(CommitteeScopedQuerySet):
    pass


class Subscription(models.Model):
    """An account holder who wants an e-mail when a committee publishes an agenda pack or minutes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "committee"], name="one_subscription_per_committee")]

    def __str__(self):
        return f"{self.user} → {self.committee}"


class ReminderLogQuerySet(CommitteeScopedQuerySet):
    committee_path = "action__minute_item__meeting__committee"


class ReminderLog(models.Model):
    """One row per reminder sent, so the cron command is safe to run twice."""

    class Kind(models.TextChoices):
        UPCOMING = "upcoming", "Due soon"
        OVERDUE = "overdue", "Overdue"

    action = models.ForeignKey("meetings.Action", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_date = models.DateField(help_text="The due date reminded about; a new due date earns a new reminder.")
    sent_at = models.DateTimeField(auto_now_add=True)
    recipient = models.EmailField()

    objects = ReminderLogQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "kind", "due_date"], name="one_reminder_per_due_date")]

    def __str__(self):
        return f"{self.get_kind_display()} reminder to {self.recipient}"


class PublicationNoticeQuerySet(CommitteeScopedQuerySet):
    committee_path = "meeting__committee"


class PublicationNotice(models.Model):
    """One row per publication announced to subscribers (an agenda version, draft or approved minutes)."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", "Agenda pack published"
        DRAFT_MINUTES = "draft_minutes", "Draft minutes published"
        APPROVED_MINUTES = "approved_minutes", "Minutes approved"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="publication_notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.PositiveIntegerField(default=1, help_text="Republishing an agenda announces a new version.")
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    objects = PublicationNoticeQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "kind", "version"], name="one_notice_per_publication")]
        indexes = [models.Index(fields=["meeting", "kind"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.meeting} (v{self.version})"
