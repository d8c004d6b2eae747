"""Scheduling a committee's meetings from the committee's page (meetings builds on committee, so the step that
creates meetings is added here, re-registering the committee admin as a subclass, as meetings.admin.packs does)."""

from django import forms
from django.contrib import admin
from django.urls import reverse

from committee.admin import CommitteeAdmin
from committee.admin_base import Step, find_date
from committee.models import Committee
from meetings import services


class MeetingDatesField(forms.CharField):
    """Dates typed one to a line, as the pages print them ("10 July 2025") or as the admin does (10/07/2025)."""

    widget = forms.Textarea(attrs={"rows": 8, "cols": 40})

    def clean(self, value):
        text = super().clean(value)
        dates, unread = [], []
        for line in (text or "").splitlines():
            if not line.strip():
                continue
            found = find_date(line)
            if found is None or found[0][0] != found[0][1]:
                unread.append(line.strip())
            else:
                dates.append(found[0][0])
        if unread:
            raise forms.ValidationError(f"These are not dates: {'; '.join(unread)}. Type one date a line, e.g. 10 July 2025.")
        if not dates:
            raise forms.ValidationError("Type at least one date.")
        return dates


SCHEDULE = Step(
    label="Schedule meetings",
    explain=lambda c: (
        f"Adds a meeting on each date, with the standing agenda items, at {c.default_venue or 'the venue you give'} "
        f"from {c.default_start_time:%H:%M} unless you say otherwise. Nothing is published."
    ),
    run=lambda request, committee, data: services.meetings_schedule(
        committee=committee, dates=data["dates"], by=request.user, start_time=data["start_time"], venue=data["venue"]
    ),
    permission="meetings.add_meeting",
    fields={
        "dates": MeetingDatesField(label="Dates, one a line", help_text="e.g. 10 July 2025, or 10/07/2025"),
        "start_time": forms.TimeField(label="Time", required=False, help_text="Leave blank for the committee's usual time."),
        "venue": forms.CharField(label="Venue", required=False, help_text="Leave blank for the committee's usual venue."),
    },
    # Straight on to the first meeting's agenda.
    then=lambda meetings: reverse("admin:meetings_meeting_change", args=[meetings[0].pk]) if meetings else None,
    ask_reason=False,
)

admin.site.unregister(Committee)


@admin.register(Committee)
class CommitteeWithMeetingsAdmin(CommitteeAdmin):
    steps = {"schedule": SCHEDULE}
