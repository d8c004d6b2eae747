"""Record checks of meetings: rules that notice where a meeting's stored record does not add up (committee.checks).

Every rule here is a class of error the council's own papers contain (the seeds' errors, ../shared/domain/ §6, are
the test cases): a minute number skipped, minutes approved for a meeting date that does not exist, a report dated long
before its meeting, apologies "noted above" with none recorded, a table whose Total row or averages do not follow from
its figures, a listed total that is not the sum of the figures listed before it, a councillor minuted as speaking who
is not in the attendance list, a public attendance the minutes contradict, a report telling of something done after
its meeting, paragraph numbers used twice or skipped. A rule reports; it never changes the record, which stays as the council printed it.

Rules read only what `checked_meetings` prefetches, so checking every meeting of a committee costs a fixed number of
queries however many meetings it has. A finding names records by their labels (a minute's reference, a paper's
title): text taken in private (an exempt minute or paper) is never quoted in a finding.
"""

from __future__ import annotations

import calendar
import datetime
import re
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch
from django.urls import reverse
from lxml import html as lxml_html

from committee import checks
from committee.checks import Finding, rule

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9

# "15th November 2024", "7 Jan 2026", "11/7/24", "2024-07-11"; and a month alone ("June 2024") as the whole month.
FULL_DATE = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>[a-z]{3,9})\.?,?\s+(?P<year>\d{4})\b", re.I)
NUMERIC_DATE = re.compile(r"\b(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4}|\d{2})\b")
ISO_DATE = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b")
MONTH_ONLY = re.compile(r"\b(?P<month>[a-z]{3,9})\.?\s+(?P<year>\d{4})\b", re.I)

# How long before its meeting a report may be dated before the date looks wrong: a scrutiny report is dated for the
# meeting it goes to, and agenda packs go out a week or two before; "11 June 2024" on a report for 11 July 2024 is not.
REPORT_DATE_LEEWAY = datetime.timedelta(days=21)


def _date(match) -> datetime.date | None:
    parts = match.groupdict()
    month = parts["month"]
    month = int(month) if month.isdigit() else MONTHS.get(month.lower())
    year = int(parts["year"])
    if year < 100:
        year += 2000
    try:
        return datetime.date(year, month, int(parts.get("day") or 1)) if month else None
    except ValueError:
        return None


def dates_in(text: str) -> list[datetime.date]:
    """Every whole date written in `text`, in the order written (as the council writes them)."""
    found = []
    for pattern in (FULL_DATE, NUMERIC_DATE, ISO_DATE):
        for match in pattern.finditer(text or ""):
            day = _date(match)
            if day:
                found.append((match.start(), day))
    return [day for _, day in sorted(found)]


def date_span(text: str) -> tuple[datetime.date, datetime.date] | None:
    """The days a cover-sheet DATE can mean: one day ("11 June 2024", "11/7/24") or a whole month ("June 2024")."""
    days = dates_in(text)
    if days:
        return days[0], days[0]
    match = MONTH_ONLY.search(text or "")
    first = _date(match) if match else None
    if not first:
        return None
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


# ---------------------------------------------------------------------------
# Loading: everything the rules read, for one meeting or every meeting of some committees, in a fixed number of queries
# ---------------------------------------------------------------------------
def checked_meetings(queryset):
    """`queryset` of meetings with everything the meeting rules read prefetched, and each committee's meeting dates."""
    from meetings.models import AgendaItem, Attendance, Document, MinuteItem, MinuteSpeaker, Resolution

    meetings = list(
        queryset.select_related("committee")
        .order_by("date", "start_time", "pk")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("minutes_of")
                .order_by("number")
                .prefetch_related(Prefetch("documents", queryset=Document.objects.defer("upload_page_texts").order_by("order", "pk"))),
            ),
            Prefetch("attendances", queryset=Attendance.objects.order_by("order", "pk")),
            Prefetch(
                "minute_items",
                queryset=MinuteItem.objects.order_by("number").prefetch_related(
                    Prefetch("resolutions", queryset=Resolution.objects.select_related("approves_minutes_of").order_by("number")),
                    Prefetch("speakers", queryset=MinuteSpeaker.objects.order_by("order", "pk")),
                ),
            ),
        )
    )
    _attach_committee_dates(meetings)
    return meetings


def _attach_committee_dates(meetings) -> None:
    from meetings.models import Meeting

    committee_ids = {m.committee_id for m in meetings}
    dates: dict[int, set] = {pk: set() for pk in committee_ids}
    for committee_id, day in Meeting.objects.filter(committee_id__in=committee_ids).values_list("committee_id", "date"):
        dates[committee_id].add(day)
    for meeting in meetings:
        meeting._checks_committee_dates = dates[meeting.committee_id]


def meetings_of(committee):
    """Every meeting of `committee`, ready for the meeting rules (the committee-wide runner's loader)."""
    from meetings.models import Meeting

    return checked_meetings(Meeting.objects.filter(committee=committee))


def run_meeting(meeting) -> list[Finding]:
    """Every meeting rule's findings for `meeting` (loaded afresh, so what was just saved is what is checked)."""
    from meetings.models import Meeting

    loaded = checked_meetings(Meeting.objects.filter(pk=meeting.pk))
    return checks.run(loaded[0], checks.MEETING) if loaded else []


# ---------------------------------------------------------------------------
# Links and labels
# ---------------------------------------------------------------------------
def _meeting_url(meeting) -> str:
    return reverse("admin:meetings_meeting_change", args=[meeting.pk])


def _minute_url(minute) -> str:
    return reverse("admin:meetings_minuteitem_change", args=[minute.pk])


def _document_url(document) -> str:
    return reverse("admin:meetings_document_change", args=[document.pk])


def _finding(rule_id, message, meeting, url, record) -> Finding:
    return Finding(rule=rule_id, message=message, url=url, record=record, meeting_id=meeting.pk)


def _minute_label(minute, meeting) -> str:
    return f"Minute {minute.reference}, {meeting.label}"


def _papers(meeting):
    for item in meeting.agenda_items.all():
        for document in item.documents.all():
            yield item, document


def _paper_label(item, document, meeting) -> str:
    return f"Item {item.number}: “{document.title}”, {meeting.label}"


# ---------------------------------------------------------------------------
# Minutes
# ---------------------------------------------------------------------------
@rule(
    "minutes.number-skipped",
    "Minute numbers run on without a gap",
    "Minutes are numbered in one sequence, so a number missing between two of a meeting's minutes (CYP.80 then "
    "CYP.82) means a minute was lost, merged into another or misnumbered. Check the printed minutes; the record keeps "
    "the numbers as printed.",
)
def number_skipped(meeting):
    minutes = sorted(meeting.minute_items.all(), key=lambda m: m.number)
    for before, after in zip(minutes, minutes[1:], strict=False):
        if after.number - before.number <= 1:
            continue
        missing = range(before.number + 1, after.number)
        prefix = after.prefix or before.prefix
        numbers = f"{prefix}{missing[0]}" if len(missing) == 1 else f"{prefix}{missing[0]} to {prefix}{missing[-1]}"
        verb = "is" if len(missing) == 1 else "are"
        yield _finding(
            "minutes.number-skipped",
            f"{numbers} {verb} missing: the minutes of {meeting.label} go from {before.reference} to {after.reference}.",
            meeting,
            _minute_url(after),
            _minute_label(after, meeting),
        )


def _approval_texts(meeting):
    """(where, text, the meeting the record links, url, label) for every place the record says whose minutes are approved."""
    from meetings.models import AgendaItem, Resolution

    for item in meeting.agenda_items.all():
        if item.kind == AgendaItem.Kind.MINUTES and item.description and not item.is_exempt:
            label = f"Agenda item {item.number}, {meeting.label}"
            yield f"Agenda item {item.number}", item.description, item.minutes_of, _meeting_url(meeting), label
    for minute in meeting.minute_items.all():
        for resolution in minute.resolutions.all():
            if resolution.kind == Resolution.Kind.APPROVE_MINUTES and not minute.is_exempt:
                yield (
                    f"Minute {minute.reference}",
                    resolution.text,
                    resolution.approves_minutes_of,
                    _minute_url(minute),
                    _minute_label(minute, meeting),
                )


@rule(
    "minutes.approves-unknown-meeting",
    "Minutes approved are of a meeting that took place",
    "The minutes approved at a meeting are those of an earlier meeting of the committee. A date in the approval that "
    "is on or after the approving meeting, or on which the committee did not meet ('15th November 2024' approved on "
    "7 March 2024), is a slip in the printed record: the clerk checks which meeting was meant.",
)
def approves_unknown_meeting(meeting):
    held = getattr(meeting, "_checks_committee_dates", None)
    if held is None:
        held = set(type(meeting).objects.filter(committee_id=meeting.committee_id).values_list("date", flat=True))
    for where, text, linked, url, label in _approval_texts(meeting):
        days = dates_in(text)
        if not days:
            continue
        named = days[0]
        if named >= meeting.date:
            problem = f"a date {'on' if named == meeting.date else 'after'} the meeting that approves them ({long_date(meeting.date)})"
        elif named not in held:
            problem = "a date on which the committee held no meeting"
        else:
            continue
        linked_note = f" The record links them to the minutes of {long_date(linked.date)}." if linked and linked.date != named else ""
        yield _finding(
            "minutes.approves-unknown-meeting",
            f"{where} approves the minutes of the meeting held on {long_date(named)}: {problem}.{linked_note}",
            meeting,
            url,
            label,
        )


# ---------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------
NOTED_ABOVE = re.compile(r"\b(noted|listed|recorded|shown)\s+above\b", re.I)


@rule(
    "attendance.apologies-noted-none-recorded",
    "Apologies 'noted above' are recorded",
    "When the apologies minute says 'Apologies are noted above', the minutes' header should list who gave them. If "
    "the attendance list records no apologies, either the header was left blank or the minute is boilerplate.",
)
def apologies_noted_none_recorded(meeting):
    from meetings.models import AgendaItem, Attendance

    if any(a.role == Attendance.Role.APOLOGIES for a in meeting.attendances.all()):
        return
    items = {item.pk: item for item in meeting.agenda_items.all()}
    for minute in meeting.minute_items.all():
        item = items.get(minute.agenda_item_id)
        is_apologies = (item is not None and item.kind == AgendaItem.Kind.APOLOGIES) or "apolog" in minute.title.lower()
        if is_apologies and NOTED_ABOVE.search(minute.body or ""):
            yield _finding(
                "attendance.apologies-noted-none-recorded",
                f"Minute {minute.reference} says apologies are noted above, but the attendance list of {meeting.label} "
                "records no apologies.",
                meeting,
                _meeting_url(meeting),
                _minute_label(minute, meeting),
            )


@rule(
    "attendance.speaker-not-listed",
    "Councillors minuted as speaking are in the attendance list",
    "A councillor the minutes name as speaking or asking a question should be in the meeting's attendance list (as a "
    "member, a substitute or 'also in attendance'). A name nobody listed matches is a missing attendance entry or a "
    "misspelt name.",
)
def speaker_not_listed(meeting):
    from meetings.models import MinuteSpeaker

    for minute in meeting.minute_items.all():
        for speaker in minute.speakers.all():
            if speaker.match != MinuteSpeaker.Match.NOT_LISTED:
                continue
            # A minute taken in private is named, never quoted.
            who = "a councillor" if minute.is_exempt else f"“{speaker.as_minuted}”"
            yield _finding(
                "attendance.speaker-not-listed",
                f"Minute {minute.reference} names {who} as speaking, but nobody of that name is in the attendance list of {meeting.label}.",
                meeting,
                _minute_url(minute),
                _minute_label(minute, meeting),
            )


WORD_NUMBERS = {
    word: n
    for n, word in enumerate(
        "no one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
        "eighteen nineteen twenty".split()
    )
}
PUBLIC_PRESENT = re.compile(
    r"\b(?P<count>\d+|" + "|".join(WORD_NUMBERS) + r")\s+members?\s+of\s+the\s+public\s+"
    r"(?:were|was|attended|in\s+attendance|present)",
    re.I,
)


def _public_count(text: str) -> int | None:
    match = PUBLIC_PRESENT.search(text or "")
    if not match:
        return None
    count = match.group("count").lower()
    return int(count) if count.isdigit() else WORD_NUMBERS[count]


@rule(
    "attendance.public-count-contradicts-minutes",
    "The public attendance agrees with the minutes",
    "The minutes' header records how many members of the public attended; a minute that says a different number "
    "were there (the header of 7 March 2024 says none were present, minute 4 says five were in attendance) leaves "
    "the record contradicting itself. The clerk checks which is right.",
)
def public_count_contradicts_minutes(meeting):
    recorded = meeting.public_attendance_count
    if recorded is None:
        recorded = _public_count(meeting.public_attendance_note)
    if recorded is None:
        return
    header = "no members of the public" if recorded == 0 else f"{recorded} member{'s' if recorded != 1 else ''} of the public"
    for minute in meeting.minute_items.all():
        if minute.is_exempt:
            continue  # taken in private: the public were not there
        stated = _public_count(minute.body)
        if stated is None or stated == recorded:
            continue
        yield _finding(
            "attendance.public-count-contradicts-minutes",
            f"The header of the minutes of {meeting.label} records {header}, but minute {minute.reference} says "
            f"{stated} {'was' if stated == 1 else 'were'} in attendance.",
            meeting,
            _minute_url(minute),
            _minute_label(minute, meeting),
        )


# ---------------------------------------------------------------------------
# Reports: their cover-sheet dates
# ---------------------------------------------------------------------------
def _body_name(text: str) -> str:
    text = (text or "").lower().replace("’", "'").replace("&", " and ")
    text = re.sub(r"'s\b|'", "", text)
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text).split())


def _for_this_committee(document, committee) -> bool:
    """Whether the cover sheet's MEETING is this committee (or blank): a report written for Cabinet keeps Cabinet's date."""
    if not document.cover_meeting.strip():
        return True
    aliases = (committee.aliases or "").splitlines()
    names = {_body_name(n) for n in [committee.name, committee.short_name, *aliases] if n.strip()}
    return _body_name(document.cover_meeting) in names


def _dated_reports(meeting):
    from meetings.models import Document

    for item, document in _papers(meeting):
        if document.kind != Document.Kind.REPORT or not _for_this_committee(document, meeting.committee):
            continue
        span = date_span(document.cover_date)
        if span:
            yield item, document, span


@rule(
    "documents.dated-long-before-meeting",
    "Reports are dated for their meeting",
    "A report to the committee is dated for the meeting it goes to. A cover-sheet DATE more than three weeks before "
    "the meeting ('11 June 2024' on a report for 11 July 2024) is usually a slip, or an old report sent again without "
    "saying so. Reports written for another body (a Cabinet report) keep that body's date and are not checked.",
)
def dated_long_before_meeting(meeting):
    for item, document, (_first, last) in _dated_reports(meeting):
        if last < meeting.date - REPORT_DATE_LEEWAY:
            days = (meeting.date - last).days
            yield _finding(
                "documents.dated-long-before-meeting",
                f"The report “{document.title}” (item {item.number}) is dated “{document.cover_date}”, {days} days before the "
                f"meeting of {long_date(meeting.date)} it is for.",
                meeting,
                _document_url(document),
                _paper_label(item, document, meeting),
            )


@rule(
    "documents.dated-after-meeting",
    "Reports are not dated after their meeting",
    "A report cannot be dated after the meeting it was considered at: the DATE on its cover sheet, or the meeting it "
    "is attached to, is wrong.",
)
def dated_after_meeting(meeting):
    for item, document, (first, _last) in _dated_reports(meeting):
        if first > meeting.date:
            yield _finding(
                "documents.dated-after-meeting",
                f"The report “{document.title}” (item {item.number}) is dated “{document.cover_date}”, after the meeting of "
                f"{long_date(meeting.date)} it is attached to.",
                meeting,
                _document_url(document),
                _paper_label(item, document, meeting),
            )


# ---------------------------------------------------------------------------
# Reports: their tables and listed figures
# ---------------------------------------------------------------------------
NUMBER = re.compile(r"^\(?[£$€]?\s*(?P<value>-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)\s*[kKmM]?\)?$")
TOTAL_LABEL = re.compile(r"^(?:grand\s+|overall\s+)?totals?\s*:?$", re.I)
NOT_SUMMED = re.compile(r"average|\bmean\b|\bper\b|\brate\b|%|percent|ratio|median", re.I)
AVERAGE_HEADER = re.compile(r"average|\bmean\b", re.I)
COUNT_HEADER = re.compile(r"\bnumber\b|\bno\b\.?|\bpupils?\b|\bcount\b|\bchildren\b|\bplaces\b", re.I)
TOTAL_HEADER = re.compile(r"\btotal\b", re.I)
COST_HEADER = re.compile(r"\bcost\b|\bspend\b|£", re.I)


def number(text: str) -> Decimal | None:
    """A figure as printed ("11,328,836", "£714,000", "47"); None for words, blanks, dates and percentages."""
    match = NUMBER.match((text or "").strip())
    if not match:
        return None
    try:
        return Decimal(match.group("value").replace(",", ""))
    except InvalidOperation:
        return None


def figure(value: Decimal) -> str:
    return f"{value:,}"


def _cell_text(cell) -> str:
    return " ".join("".join(cell.itertext()).split())


def tables_of(body: str) -> list[tuple[list[str], list[list[str]]]]:
    """Each table of a structured body as (header cells, body rows of cells), colspans spread over the columns they cover."""
    if not body or "<table" not in body:
        return []
    root = lxml_html.fragment_fromstring(body, create_parent="div")
    tables = []
    for table in root.iter("table"):
        header: list[str] = []
        rows: list[list[str]] = []
        for row in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
            cells = []
            for cell in row.xpath("./th|./td"):
                span = int(cell.get("colspan") or 1) if (cell.get("colspan") or "1").isdigit() else 1
                cells += [_cell_text(cell)] + [""] * (max(span, 1) - 1)
            if row.getparent().tag == "thead":
                header = cells
            else:
                rows.append(cells)
        tables.append((header, rows))
    return tables


def _exempt(item, minute=None) -> bool:
    return item.is_exempt or bool(minute and minute.is_exempt)


@rule(
    "documents.table-total-mismatch",
    "A table's Total row is the sum of its rows",
    "A row labelled Total should equal the sum of the rows above it, column by column (averages and percentages are "
    "not summed). A Total that does not add up (the 2028-29 Family Hubs allocations sum to £713,900 against a printed "
    "£714,000) is printed as the council gave it; the check says where it does not add up, for the report's author.",
)
def table_total_mismatch(meeting):
    for item, document in _papers(meeting):
        for index, (header, rows) in enumerate(tables_of(document.body), start=1):
            start = 0
            for position, row in enumerate(rows):
                if not row or not TOTAL_LABEL.match(row[0]):
                    continue
                parts = rows[start:position]
                start = position + 1
                for column in range(1, len(row)):
                    total = number(row[column])
                    heading = header[column] if column < len(header) else ""
                    if total is None or NOT_SUMMED.search(heading) or "%" in row[column]:
                        continue
                    cells = [part[column] if column < len(part) else "" for part in parts]
                    values = [number(cell) for cell in cells if cell.strip()]
                    if len(values) < 2 or any(value is None for value in values):
                        continue  # words among the figures, or nothing to add up: not a column of parts
                    if min(values) <= total <= max(values):
                        continue  # no sum of parts lies among them: an average or a rate under a table with no headings
                    added = sum(values)
                    if added == total:
                        continue
                    if _exempt(item):
                        detail = f"column {column + 1} of its Total row does not equal the sum of the rows above it"
                    else:
                        named = f"“{heading}”" if heading.strip() else f"column {column + 1}"
                        currency = "£" if row[column].strip().startswith("£") else ""
                        detail = (
                            f"the Total of {named} is {row[column]}, but the {len(values)} rows above it add up to "
                            f"{currency}{figure(added)}"
                        )
                    yield _finding(
                        "documents.table-total-mismatch",
                        f"In “{document.title}” (item {item.number}), table {index}: {detail}.",
                        meeting,
                        _document_url(document),
                        _paper_label(item, document, meeting),
                    )


def _average_columns(header: list[str]) -> tuple[int, int, int] | None:
    """(count, total, average) columns of a table headed like "Number of Pupils | Total Cost | Average cost per pupil"."""
    averages = [i for i, h in enumerate(header) if AVERAGE_HEADER.search(h)]
    if len(averages) != 1:
        return None
    average = averages[0]
    rest = [i for i in range(len(header)) if i != average]
    counts = [i for i in rest if COUNT_HEADER.search(header[i]) and not TOTAL_HEADER.search(header[i])]
    totals = [i for i in rest if TOTAL_HEADER.search(header[i]) and i not in counts]
    if not totals:
        totals = [i for i in rest if COST_HEADER.search(header[i]) and i not in counts]
    if len(counts) != 1 or len(totals) != 1:
        return None
    return counts[0], totals[0], average


@rule(
    "documents.table-average-mismatch",
    "A table's averages follow from its totals",
    "Where a table gives a number, a total and an average for each row (pupils, total cost, average cost per pupil), "
    "the average should be the total divided by the number, give or take rounding. '264 pupils, 11,328,836, average "
    "2,912' should read 42,912.",
)
def table_average_mismatch(meeting):
    for item, document in _papers(meeting):
        for index, (header, rows) in enumerate(tables_of(document.body), start=1):
            columns = _average_columns(header)
            if not columns:
                continue
            count_at, total_at, average_at = columns
            for row in rows:
                if len(row) <= max(columns):
                    continue
                count, total, average = number(row[count_at]), number(row[total_at]), number(row[average_at])
                if not count or total is None or average is None:
                    continue
                expected = total / count
                if abs(expected - average) <= 1:  # rounded or cut to whole pounds either way
                    continue
                if _exempt(item):
                    detail = "a row's average is not its total divided by its number"
                else:
                    detail = (
                        f"the row “{row[0]}” gives an average of {row[average_at]}, but {row[total_at]} ÷ {row[count_at]} "
                        f"is {figure(expected.quantize(Decimal(1)))}"
                    )
                yield _finding(
                    "documents.table-average-mismatch",
                    f"In “{document.title}” (item {item.number}), table {index}: {detail}.",
                    meeting,
                    _document_url(document),
                    _paper_label(item, document, meeting),
                )


MONTH_NAMES = "|".join(calendar.month_name[1:])
PAST_EVENT = re.compile(
    r"\b(?:formally\s+|officially\s+|successfully\s+)?(?P<verb>launched|took\s+place|was\s+held|were\s+held|published|started|"
    r"began|opened|completed|introduced|went\s+live)\s+(?:in|on|during)\s+(?:the\s+)?"
    r"(?P<date>(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?:" + MONTH_NAMES + r")\s+\d{4})\b",
    re.I,
)
# What makes a sentence about the future or a plan, not a report of what happened ("will be launched in October").
NOT_YET = re.compile(
    r"\b(will|shall|would|to\s+be|due|expected|planned|plans?\s+to|scheduled|aims?|intends?|anticipated|should|hope)\b", re.I
)


@rule(
    "documents.past-event-after-meeting",
    "Reports tell of nothing after their meeting as done",
    "A report can only tell of what has happened by the meeting it goes to. A sentence saying something was launched, "
    "took place or was published in a month after the meeting ('The Family Safeguarding model formally launched in "
    "October 2024', in a report to the meeting of 11 July 2024) has a wrong date, or the report was changed later.",
)
def past_event_after_meeting(meeting):
    from meetings.bodies import html_to_text

    for item, document in _papers(meeting):
        text = html_to_text(document.body)
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
            for match in PAST_EVENT.finditer(sentence):
                span = date_span(match.group("date"))
                if not span or span[0] <= meeting.date or NOT_YET.search(sentence[: match.start()]):
                    continue
                if _exempt(item):
                    detail = "a sentence tells of something done after the meeting"
                else:
                    detail = f"“{sentence[max(0, match.start() - 60) : match.end()].strip()}” tells of something done after it"
                yield _finding(
                    "documents.past-event-after-meeting",
                    f"In “{document.title}” (item {item.number}), a report to the meeting of {long_date(meeting.date)}: {detail}.",
                    meeting,
                    _document_url(document),
                    _paper_label(item, document, meeting),
                )


SECTION_HEADING = re.compile(r"^(?P<number>\d{1,2})(?:\.0)?[.:]?\s+\S")
NUMBERED_PARAGRAPH = re.compile(r"^(?P<section>\d{1,2})\.(?P<paragraph>\d{1,2})\.?\s+\S")


def _numbering(body: str):
    """(section headings' numbers, numbered paragraphs as (section, paragraph)) of a body, in order."""
    if not body:
        return [], []
    root = lxml_html.fragment_fromstring(body, create_parent="div")
    headings, paragraphs = [], []
    for element in root:
        text = _cell_text(element)
        if element.tag in ("h2", "h3", "h4", "h5", "h6"):
            match = SECTION_HEADING.match(text)
            if match and re.match(r"^\d{1,2}(\.0)?[.:]?\s", text):
                headings.append((text.split()[0].rstrip(".:"), int(match.group("number"))))
        elif element.tag == "p":
            match = NUMBERED_PARAGRAPH.match(text)
            if match:
                paragraphs.append((int(match.group("section")), int(match.group("paragraph"))))
    return headings, paragraphs


@rule(
    "documents.paragraph-numbering",
    "A report's sections and paragraphs are numbered once each, in order",
    "Members refer to a report by its paragraph numbers, so a number used twice (two '3.0' headings, two paragraphs "
    "4.8) or skipped (9.5 then 9.7) makes a reference ambiguous or points nowhere. A paragraph number with nothing "
    "under it (a chart lost from the text) shows as skipped too. The report is kept as printed.",
)
def paragraph_numbering(meeting):
    for item, document in _papers(meeting):
        headings, paragraphs = _numbering(document.body)
        problems = []
        seen = set()
        for printed, number in headings:
            if number in seen:
                problems.append(f"two sections are numbered {printed}")
            seen.add(number)
        seen_paragraphs = set()
        for position, (section, paragraph) in enumerate(paragraphs):
            if (section, paragraph) in seen_paragraphs:
                problems.append(f"two paragraphs are numbered {section}.{paragraph}")
            seen_paragraphs.add((section, paragraph))
            if position:
                before = paragraphs[position - 1]
                if before[0] == section and paragraph > before[1] + 1:
                    missing = ", ".join(f"{section}.{n}" for n in range(before[1] + 1, paragraph))
                    problems.append(f"paragraph {section}.{paragraph} follows {section}.{before[1]} (no {missing} in the text)")
        if not problems:
            continue
        yield _finding(
            "documents.paragraph-numbering",
            f"In “{document.title}” (item {item.number}): {'; '.join(dict.fromkeys(problems))}. A number missing from the text "
            "may be a chart or table left out, or a numbering slip.",
            meeting,
            _document_url(document),
            _paper_label(item, document, meeting),
        )


LISTED_TOTAL = re.compile(r"^\s*totals?\b", re.I)
FIGURE = re.compile(r"(?<![\w.,£])£?(\d{1,3}(?:,\d{3})+|\d+)(?![\w,]|\.\d)")


def _figures(text: str) -> list[Decimal]:
    """Counts written in a line of prose, leaving out years ("April- June 2025 - 8,292" is one figure, 8,292)."""
    values = []
    for match in FIGURE.finditer(text):
        raw = match.group(1)
        if "," not in raw and len(raw) == 4 and raw[:2] in ("19", "20"):
            continue
        values.append(Decimal(raw.replace(",", "")))
    return values


def _blocks(body: str) -> list[list[str]]:
    """Runs of consecutive paragraphs (or list items) of a body, as text: the figures a total may sum."""
    if not body:
        return []
    root = lxml_html.fragment_fromstring(body, create_parent="div")
    runs, current = [], []
    for element in root:
        if element.tag == "p":
            current.append(_cell_text(element))
        elif element.tag in ("ul", "ol"):
            if current:
                runs.append(current)
            runs.append([_cell_text(li) for li in element.iter("li")])
            current = []
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


@rule(
    "documents.listed-total-mismatch",
    "A total after a list of figures is their sum",
    "A line beginning 'Total' after lines that each give one figure (Q1 8,292; Q2 7,309; 'Total for this year so "
    "far: 15,301') should be the sum of the figures it totals. When no run of the lines just before it adds up to "
    "the total, the total or a figure is wrong.",
)
def listed_total_mismatch(meeting):
    for item, document in _papers(meeting):
        for run in _blocks(document.body):
            for position, line in enumerate(run):
                if not LISTED_TOTAL.match(line) or len(line) > 200:
                    continue
                totals = _figures(line)
                if len(totals) != 1:
                    continue
                listed = []
                for earlier in reversed(run[max(0, position - 12) : position]):
                    found = _figures(earlier)
                    if len(found) != 1 or LISTED_TOTAL.match(earlier):
                        break
                    listed.append(found[0])
                if len(listed) < 2:
                    continue
                sums = [sum(listed[:k]) for k in range(2, len(listed) + 1)]
                if totals[0] in sums:
                    continue
                if _exempt(item):
                    detail = "a total does not equal the sum of the figures listed before it"
                else:
                    parts = " + ".join(figure(v) for v in reversed(listed[:2]))
                    detail = f"“{line[:80]}” does not add up: the two figures before it make {figure(sums[0])} ({parts})"
                yield _finding(
                    "documents.listed-total-mismatch",
                    f"In “{document.title}” (item {item.number}), {detail}.",
                    meeting,
                    _document_url(document),
                    _paper_label(item, document, meeting),
                )
