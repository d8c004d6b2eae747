"""Agenda packs: built PDF versions of a meeting's papers, kept version by version (see the agenda-pack issue)."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from committee.access import restricted_committee_ids
from committee.jobs import Job, JobStatus
from committee.scoping import CommitteeScopedQuerySet
from meetings.models.core import AgendaItem, Meeting

__all__ = ["AgendaPack"]


def pack_upload_to(pack, filename):
    """Where a built pack is stored: one file per version, never overwritten."""
    meeting = pack.meeting
    audience = "-restricted" if pack.audience == AgendaPack.Audience.RESTRICTED else ""
    kind = "supplementary-pack" if pack.kind == AgendaPack.Kind.SUPPLEMENTARY else "agenda-pack"
    return f"packs/{meeting.date:%Y}/{meeting.committee.slug}-{meeting.date:%Y-%m-%d}-{kind}{audience}-v{pack.version}.pdf"


class AgendaPackQuerySet(CommitteeScopedQuerySet):
    committee_path = "meeting__committee"

    def visible_to(self, user):
        """Packs `user` may download: current published public packs of published agendas, plus every pack of committees
        `user` has restricted access to (drafts, old versions and restricted packs)."""
        restricted = Q(meeting__committee_id__in=restricted_committee_ids(user))
        public = Q(
            audience=AgendaPack.Audience.PUBLIC,
            is_current=True,
            status=AgendaPack.Status.READY,
            meeting__agenda_status=Meeting.AgendaStatus.PUBLISHED,
        )
        return self.filter(public | restricted)

    def ready(self):
        """Packs whose file has been built."""
        return self.filter(status=AgendaPack.Status.READY)

    def current(self):
        """The published versions now in force (one main pack per audience; any number of supplementary packs)."""
        return self.filter(is_current=True)

    def public_listing(self):
        """What the meeting page lists for everyone: current public packs of a published agenda, main pack first."""
        return self.visible_to(None).prefetch_related("items").order_by("kind", "version")

    def member_listing(self):
        """What the meeting page lists for members and officers: current packs of both audiences, plus the newest
        unpublished build of each kind if it is newer than anything published."""
        newer = AgendaPack.objects.filter(
            meeting=OuterRef("meeting"), kind=OuterRef("kind"), audience=OuterRef("audience"), version__gt=OuterRef("version")
        )
        latest_draft = Q(published_at__isnull=True, status=AgendaPack.Status.READY) & ~Exists(newer)
        return self.filter(Q(is_current=True) | latest_draft).prefetch_related("items").order_by("kind", "audience", "-version")


class AgendaPack(Job):
    """One built version of a meeting's agenda pack (or a supplementary pack of late reports), as a stored PDF.

    The row is its build job too (committee.jobs.Job): queued, building, built (ready) or failed with the reason.
    """

    class Kind(models.TextChoices):
        MAIN = "main", "Agenda pack"
        SUPPLEMENTARY = "supplementary", "Supplementary pack"

    class Audience(models.TextChoices):
        PUBLIC = "public", "Public (exempt papers left out)"
        RESTRICTED = "restricted", "Members and officers (with exempt papers)"

    Status = JobStatus

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MAIN)
    audience = models.CharField(
        max_length=20,
        choices=Audience.choices,
        default=Audience.PUBLIC,
        help_text="A restricted pack is built beside the public one when exempt items have papers; only members and officers get it.",
    )
    version = models.PositiveIntegerField(help_text="Numbered per meeting and kind; the public and restricted packs of one build share it.")
    items = models.ManyToManyField(
        AgendaItem, blank=True, related_name="supplementary_packs", help_text="For a supplementary pack: the late items it carries."
    )
    file = models.FileField(upload_to=pack_upload_to, blank=True, max_length=255)  # long committee names make long file names
    page_count = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    page_ranges = models.JSONField(
        default=dict, blank=True, help_text="Pack pages of each agenda item's papers, as built: {agenda item id: [first, last]}."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True)
    built_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    publish_when_built = models.BooleanField(default=False, help_text="Publish automatically once the background build is ready.")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_current = models.BooleanField(default=False, help_text="The published version now in force; earlier versions stay on record.")
    clear_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Clear working days between publication and the meeting (publication day and meeting day excluded).",
    )
    notice_warning = models.TextField(
        blank=True, help_text="Set when the pack was published with less than five clear working days' notice."
    )

    objects = AgendaPackQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "kind", "-version", "audience"]
        indexes = [models.Index(fields=["meeting", "is_current"])]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind", "audience", "version"], name="unique_pack_version"),
            models.UniqueConstraint(
                fields=["meeting", "kind", "audience"],
                condition=Q(is_current=True, kind="main"),
                name="one_current_main_pack_per_audience",
            ),
        ]

    def __str__(self):
        return f"{self.label}, version {self.version} – {self.meeting}"

    def get_absolute_url(self):
        return reverse("meetings:pack", kwargs={"pk": self.pk})

    @property
    def label(self):
        if self.audience == self.Audience.RESTRICTED:
            return f"Restricted {self.get_kind_display().lower()} (with exempt papers)"
        return self.get_kind_display()

    @property
    def is_published(self):
        return self.published_at is not None

    @property
    def size_label(self):
        """The file size as the meeting page prints it: "1.2 MB", "310 KB"."""
        size = self.size_bytes or 0
        if size >= 1024 * 1024:
            return f"{size / (1024 * 1024):.1f} MB"
        return f"{max(round(size / 1024), 1)} KB"

    @property
    def filename(self):
        return pack_upload_to(self, "").rsplit("/", 1)[-1]
