"""Children's social care complaints: the statutory three-stage procedure, the LGSCO, compliments and learning.

Personal data (names, contact details, the complaint in the complainant's words) lives only in
ComplaintPersonalData, which only the Complaints officer role (perm complaints.view_personal_data) sees.
Every other model here is anonymous by design, so pages, exports and dashboards can use it freely.
"""

from complaints.models.common import (
    EARLIEST,
    INFORMAL_CONTACT_WORKING_DAYS,
    LATEST,
    PANEL_REPORT_WORKING_DAYS,
    PANEL_RESPONSE_WORKING_DAYS,
    STAGE_EXTENDED_LIMITS,
    STAGE_LIMITS,
    sensible_date,
)
from complaints.models.complaint import Complaint, ComplaintPersonalData, ComplaintQuerySet, Stage, StageQuerySet
from complaints.models.records import (
    COMPLAINTS_DATA,
    AnnualReport,
    Compliment,
    LearningAction,
    OmbudsmanCase,
    PublishedFigure,
    ReportSection,
)
from complaints.models.reference import Team, TeamQuerySet, Theme

__all__ = [
    "COMPLAINTS_DATA",
    "EARLIEST",
    "INFORMAL_CONTACT_WORKING_DAYS",
    "LATEST",
    "PANEL_REPORT_WORKING_DAYS",
    "PANEL_RESPONSE_WORKING_DAYS",
    "STAGE_EXTENDED_LIMITS",
    "STAGE_LIMITS",
    "AnnualReport",
    "Complaint",
    "ComplaintPersonalData",
    "ComplaintQuerySet",
    "Compliment",
    "LearningAction",
    "OmbudsmanCase",
    "PublishedFigure",
    "ReportSection",
    "Stage",
    "StageQuerySet",
    "Team",
    "TeamQuerySet",
    "Theme",
    "sensible_date",
]
