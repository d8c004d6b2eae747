"""Committee attendance statistics (as ModernGov's): per member and municipal year, counted only while a member."""

import datetime
from dataclasses import dataclass

from committee.dates import municipal_year, municipal_year_bounds
from committee.models import Committee, Membership
from meetings.models import Attendance, Meeting

PRESENT = {Attendance.Role.CHAIR, Attendance.Role.PRESENT}


@dataclass
class MemberAttendance:
    member: str
    slug: str
    seat: str
    expected: int = 0
    present: int = 0
    apologies: int = 0
    substituted: int = 0
    absent: int = 0
    not_recorded: int = 0

    @property
    def rate(self) -> int | None:
        """Present as a percentage of the meetings held while they held the seat."""
        return round(100 * self.present / self.expected) if self.expected else None

    def as_row(self) -> dict:
        return {
            "member": self.member,
            "seat": self.seat,
            "meetings_while_a_member": self.expected,
            "present": self.present,
            "apologies": self.apologies,
            "apologies_with_a_substitute": self.substituted,
            "absent": self.absent,
            "not_recorded": self.not_recorded,
            "attendance_percent": self.rate,
        }


def attendance_years(committee: Committee) -> list[str]:
    """Municipal years in which the committee held meetings, newest first."""
    dates = Meeting.objects.filter(committee=committee, status=Meeting.Status.HELD).dates("date", "month", order="DESC")
    return list(dict.fromkeys(municipal_year(day) for day in dates))


def committee_attendance(committee: Committee, year: str, today: datetime.date | None = None) -> list[MemberAttendance]:
    """Each member's record for a municipal year: the meetings held while they held a seat, and how they attended.

    Three queries whatever the size: the seats, the meetings held, the attendance at those meetings.
    """
    first, last = municipal_year_bounds(year)
    last = min(last, today or datetime.date.today())
    seats = list(
        Membership.objects.filter(committee=committee)
        .in_municipal_year(year)
        .exclude(role=Membership.Role.SUBSTITUTE)
        .select_related("person")
        .seat_order()
    )
    held = list(
        Meeting.objects.filter(committee=committee, status=Meeting.Status.HELD, date__range=(first, last)).values_list("pk", "date")
    )
    marks = {
        (a["meeting_id"], a["person_id"]): a
        for a in Attendance.objects.filter(meeting_id__in=[pk for pk, _ in held]).values("meeting_id", "person_id", "role", "capacity")
    }
    substituted = {(a["meeting_id"], a["capacity"]) for a in marks.values() if a["role"] == Attendance.Role.SUBSTITUTE}
    rows: dict[int, MemberAttendance] = {}
    for seat in seats:
        person = seat.person
        row = rows.setdefault(person.pk, MemberAttendance(person.display_name, person.slug, seat.get_role_display()))
        for meeting_id, day in held:
            if day < seat.start_date or (seat.end_date and day > seat.end_date):
                continue  # not a member then: not counted against them
            row.expected += 1
            mark = marks.get((meeting_id, person.pk))
            role = mark["role"] if mark else None
            if role in PRESENT:
                row.present += 1
            elif role == Attendance.Role.APOLOGIES:
                row.apologies += 1
                row.substituted += (meeting_id, f"Substitute for {person}") in substituted
            elif role == Attendance.Role.ABSENT:
                row.absent += 1
            else:
                row.not_recorded += 1
    return list(rows.values())
