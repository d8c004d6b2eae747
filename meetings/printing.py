"""Printed minutes and single papers, built by the worker (committee.printing) with meetings.pdf, never in a request."""

from django.contrib.auth.models import AnonymousUser

from committee.access import MembersReader
from committee.models import BuiltPdf
from committee.printing import NothingToPrint, data_version, print_version_name
from meetings import pdf
from meetings.models import Document, Meeting


def print_version() -> str:
    """What minutes and papers print: meetings and the committee's people, as they are today."""
    return data_version(print_version_name("committee"), print_version_name("meetings"))


def build_minutes(key: str, audience: str) -> bytes:
    """A meeting's minutes as the audience may read them: the public's, or the members' copy with exempt minutes."""
    committee_id = Meeting.objects.filter(pk=int(key)).values_list("committee_id", flat=True).first()
    if committee_id is None:
        raise NothingToPrint("The meeting no longer exists.")
    reader = MembersReader(committee_id) if audience == BuiltPdf.Audience.RESTRICTED else AnonymousUser()
    meeting = Meeting.objects.with_full_record(reader).filter(pk=int(key)).first()
    if meeting is None or not meeting.minutes_visible or not meeting.minute_items.all():
        raise NothingToPrint("These minutes are not published.")
    return pdf.render_minutes(meeting)


def build_paper(key: str, audience: str) -> bytes:
    """One paper with its cover sheet (the same for everyone who may open it: the view checks who may)."""
    document = Document.objects.select_related("agenda_item__meeting__committee").filter(pk=int(key)).first()
    if document is None:
        raise NothingToPrint("The paper no longer exists.")
    try:
        return pdf.render_document(document)
    except pdf.PaperError as error:
        raise NothingToPrint(str(error)) from error
