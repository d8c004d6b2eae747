"""Who spoke: councillors named in the minutes' text, linked to their person records where the minutes allow.

The minutes name speakers as the clerk wrote them ("Councillor Arif asked…", "Councillor Fitzgerald…"). Each
`MinuteSpeaker` is derived from a minute item's text and the meeting's attendance (meetings.speakers finds and matches
the names; meetings.services.meeting_speakers_refresh rebuilds them whenever either changes), so it is never edited by
hand. Where a name could be more than one person present (A Arif and S Arif), it stays unresolved, never guessed,
until an officer records who was meant (`SpeakerLink`).
"""

from django.db import models

from committee.models import Person
from committee.scoping import CommitteeScopedQuerySet
from meetings.models.core import Meeting, MinuteItem, content_visible_q


class SpeakerLinkQuerySet(CommitteeScopedQuerySet):
    committee_path = "meeting__committee"


class SpeakerLink(models.Model):
    """Who a name in one meeting's minutes means, where the minutes and attendance list alone cannot tell."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speaker_links")
    as_minuted = models.CharField(max_length=120, help_text='The name exactly as the minutes print it, e.g. "Councillor Arif".')
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", help_text="Who the minutes mean by it.")

    objects = SpeakerLinkQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "as_minuted"], name="one_link_per_name_per_meeting")]

    def __str__(self):
        return f"{self.as_minuted} = {self.person}"


class MinuteSpeakerQuerySet(CommitteeScopedQuerySet):
    committee_path = "minute_item__meeting__committee"

    def visible_to(self, user):
        """Speakers of minutes `user` may read (published, and not exempt unless they have restricted access)."""
        return self.filter(content_visible_q(user))


class MinuteSpeaker(models.Model):
    """A councillor the minute item's text names as speaking (derived; rebuilt from the text and attendance)."""

    class Match(models.TextChoices):
        LINKED = "linked", "Linked to the one person present of that name"
        CHOSEN = "chosen", "Linked by an officer"
        AMBIGUOUS = "ambiguous", "More than one person present has that name"
        NOT_LISTED = "not_listed", "Nobody of that name is in the attendance list"

    minute_item = models.ForeignKey(MinuteItem, on_delete=models.CASCADE, related_name="speakers")
    order = models.PositiveSmallIntegerField(default=0)
    as_minuted = models.CharField(max_length=120, help_text="The name as the minutes print it.")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="minute_speeches")
    match = models.CharField(max_length=12, choices=Match.choices)
    candidates = models.CharField(max_length=300, blank=True, help_text="Who an ambiguous name could be, as printed.")
    asked = models.BooleanField(default=False, help_text="The minutes record them asking a question.")

    objects = MinuteSpeakerQuerySet.as_manager()

    class Meta:
        ordering = ["minute_item", "order"]
        indexes = [models.Index(fields=["person", "minute_item"], name="minute_speaker_person_idx")]

    def __str__(self):
        return f"{self.as_minuted} ({self.get_match_display()})"

    @property
    def is_linked(self) -> bool:
        return self.person_id is not None
