"""Meetings models, split by subject; import from `meetings.models` as before."""

from meetings.models.core import *  # noqa: F403
from meetings.models.core import (
    EXEMPT_PARAGRAPHS,
    Action,
    ActionUpdate,
    AgendaItem,
    Attendance,
    DeclarationOfInterest,
    Document,
    Meeting,
    MinuteItem,
    Question,
    Resolution,
    WorkProgrammeItem,
    content_visible_q,
    minute_sequence_key,
    refresh_record_columns,
)
from meetings.models.debate import MinuteSpeaker, SpeakerLink
from meetings.models.followthrough import *  # noqa: F403
from meetings.models.packs import *  # noqa: F403

__all__ = [
    "EXEMPT_PARAGRAPHS",
    "Action",
    "ActionUpdate",
    "AgendaItem",
    "Attendance",
    "DeclarationOfInterest",
    "Document",
    "Meeting",
    "MinuteItem",
    "MinuteSpeaker",
    "Question",
    "Resolution",
    "SpeakerLink",
    "WorkProgrammeItem",
    "content_visible_q",
    "minute_sequence_key",
    "refresh_record_columns",
]
