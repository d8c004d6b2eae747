"""Record checks in the meetings admin: a "Checks" page for each meeting, and warnings on save.

When a meeting, agenda item, minute item, decision, attendance entry or paper is saved, that meeting's record checks
(meetings.checks) run on what was just saved and anything they find is shown as a warning. A warning never stops the save: the record is the
council's as printed, and the clerk decides what to do. The admins are re-registered as subclasses, as
meetings.admin.packs does, so the checks sit beside the rest of the checks code.
"""

import logging

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html

from committee.admin_checks import ChecksAdminMixin
from meetings import checks as meeting_checks
from meetings.admin import packs  # noqa: F401 - registers the admins these build on, before they do
from meetings.models import AgendaItem, Attendance, Document, Meeting, MinuteItem, Resolution

logger = logging.getLogger(__name__)

# Enough to see what is wrong; the rest are on the meeting's Checks page.
WARNINGS_SHOWN = 5


def warn_of_findings(request, meeting_id) -> None:
    """Show the findings of meeting `meeting_id`'s checks as warnings (a few, then a link to the rest)."""
    if not meeting_id:
        return
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return
    try:
        with transaction.atomic():  # a failing check must not undo the save it reports on
            findings = meeting_checks.run_meeting(meeting)
    except Exception:
        logger.exception("record checks failed for meeting %s", meeting_id)
        messages.warning(request, "The record checks could not run on this meeting; what was saved is kept.")
        return
    for finding in findings[:WARNINGS_SHOWN]:
        messages.warning(request, f"Check ({finding.rule}): {finding.message}")
    if findings:
        url = reverse("admin:meetings_meeting_checks", args=[meeting_id])
        messages.warning(
            request,
            format_html(
                "The record checks found {} thing{} to look into in this meeting's record (the save is kept). "
                '<a href="{}">See the checks of this meeting</a>.',
                len(findings),
                "" if len(findings) == 1 else "s",
                url,
            ),
        )


class WarnOnSaveMixin:
    """After the record and its inlines are saved, run its meeting's checks and warn of what they find; and a link to
    its meeting's Checks page at the top of its page."""

    def checked_meeting_id(self, obj):
        raise NotImplementedError

    def step_context(self, request, object_id):
        context = super().step_context(request, object_id)
        if object_id and self.model is not Meeting and request.user.has_perm("meetings.change_meeting"):
            obj = self.get_object(request, unquote(object_id))
            meeting_id = self.checked_meeting_id(obj) if obj is not None else None
            if meeting_id:
                url = reverse("admin:meetings_meeting_checks", args=[meeting_id])
                context["step_buttons"] = [*context.get("step_buttons", []), (url, "Checks of this meeting")]
        return context

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        warn_of_findings(request, self.checked_meeting_id(form.instance))


def _registered(model):
    """The admin class now registered for `model` (whichever module last re-registered it), to build on and replace."""
    current = type(admin.site._registry[model])
    admin.site.unregister(model)
    return current


@admin.register(Meeting)
class MeetingAdmin(ChecksAdminMixin, WarnOnSaveMixin, _registered(Meeting)):
    checks_permission = "meetings.change_meeting"

    def checks_findings(self, meeting):
        return meeting_checks.run_meeting(meeting)

    def checked_meeting_id(self, meeting):
        return meeting.pk


@admin.register(MinuteItem)
class MinuteItemAdmin(WarnOnSaveMixin, _registered(MinuteItem)):
    def checked_meeting_id(self, minute):
        return minute.meeting_id


@admin.register(AgendaItem)
class AgendaItemAdmin(WarnOnSaveMixin, _registered(AgendaItem)):
    def checked_meeting_id(self, item):
        return item.meeting_id


@admin.register(Document)
class DocumentAdmin(WarnOnSaveMixin, _registered(Document)):
    def checked_meeting_id(self, document):
        return document.agenda_item.meeting_id if document.agenda_item_id else None


@admin.register(Resolution)
class ResolutionAdmin(WarnOnSaveMixin, _registered(Resolution)):
    def checked_meeting_id(self, resolution):
        return resolution.minute_item.meeting_id if resolution.minute_item_id else None


@admin.register(Attendance)
class AttendanceAdmin(WarnOnSaveMixin, _registered(Attendance)):
    def checked_meeting_id(self, attendance):
        return attendance.meeting_id
