"""Query-string filters of the open data API (django-ninja FilterSchema): each field names the lookup it applies."""

import datetime
from typing import Annotated, ClassVar

from django.db.models import Q
from ninja import Field, FilterLookup, FilterSchema

from committee.models import seat_held_q


class OrganizationFilter(FilterSchema):
    is_active: Annotated[bool | None, FilterLookup("is_active")] = None


class PersonFilter(FilterSchema):
    kind: Annotated[str | None, FilterLookup("kind")] = Field(None, description="councillor, co_opted, officer or external")
    name: Annotated[str | None, FilterLookup(["name__icontains", "full_name__icontains"])] = None


class MembershipFilter(FilterSchema):
    organization: Annotated[int | None, FilterLookup("committee_id")] = Field(None, description="Committee id")
    person: Annotated[int | None, FilterLookup("person_id")] = None
    role: Annotated[str | None, FilterLookup("role")] = None
    on: datetime.date | None = Field(None, description="Only seats held on this date (YYYY-MM-DD)")

    def filter_on(self, value):
        if value is None:
            return Q()
        return seat_held_q(value)


class DateRangeFilter(FilterSchema):
    """Shared: a committee and a date range on the meeting's date."""

    date_from: datetime.date | None = Field(None, description="Meetings on or after this date (YYYY-MM-DD)")
    date_to: datetime.date | None = Field(None, description="Meetings on or before this date (YYYY-MM-DD)")

    date_field: ClassVar[str] = "date"

    def filter_date_from(self, value):
        return Q(**{f"{self.date_field}__gte": value}) if value else Q()

    def filter_date_to(self, value):
        return Q(**{f"{self.date_field}__lte": value}) if value else Q()


class EventFilter(DateRangeFilter):
    organization: Annotated[int | None, FilterLookup("committee_id")] = Field(None, description="Committee id")
    status: Annotated[str | None, FilterLookup("status")] = Field(None, description="scheduled, held, cancelled or postponed")


class AgendaItemFilter(DateRangeFilter):
    date_field: ClassVar[str] = "meeting__date"
    event: Annotated[int | None, FilterLookup("meeting_id")] = Field(None, description="Meeting id")
    organization: Annotated[int | None, FilterLookup("meeting__committee_id")] = Field(None, description="Committee id")


class MinuteFilter(AgendaItemFilter):
    pass


class MinuteChildFilter(DateRangeFilter):
    date_field: ClassVar[str] = "minute_item__meeting__date"
    event: Annotated[int | None, FilterLookup("minute_item__meeting_id")] = Field(None, description="Meeting id")
    organization: Annotated[int | None, FilterLookup("minute_item__meeting__committee_id")] = Field(None, description="Committee id")


class ResolutionFilter(MinuteChildFilter):
    kind: Annotated[str | None, FilterLookup("kind")] = None


class ActionFilter(MinuteChildFilter):
    status: Annotated[str | None, FilterLookup("status")] = Field(None, description="open, in_progress, done or cancelled")


class RecommendationFilter(MinuteChildFilter):
    response: Annotated[str | None, FilterLookup("response")] = None


class ImprovementActionFilter(FilterSchema):
    rag: Annotated[str | None, FilterLookup("current_rag")] = None
    is_complete: Annotated[bool | None, FilterLookup("is_complete")] = None
