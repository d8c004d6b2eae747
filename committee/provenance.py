"""Where a value shown on a page came from: the council's record, or not.

It is the council's record, so nothing invented may look like fact. A value the seeds (or the clerk) did not give
is either absent — shown as "not recorded" — or, where the demo or a rebuild supplies one so that a page has
something to show, it is marked wherever it is shown: pages, CSV, API and PDF. One vocabulary for every app, so a
councillor learns one mark and an auditor can list every value that is not the council's.
"""

from __future__ import annotations

from django.db import models

NOT_RECORDED = "Not recorded"


class Provenance(models.TextChoices):
    # As the council printed or entered it.
    RECORDED = "recorded", "As recorded"
    # Supplied so that a page has something to show (demo data, a plausible value); never the council's.
    ILLUSTRATIVE = "illustrative", "Illustrative"
    # Reconstructed from other parts of the record (an agenda rebuilt from minute titles), not printed as such.
    REBUILT = "rebuilt", "Rebuilt from the minutes"
    # Worked out from the record (an approval implied by a later meeting), not stated in it.
    INFERRED = "inferred", "Inferred"


# The words beside a marked value, and the longer explanation a page, CSV or PDF gives once.
EXPLANATIONS = {
    Provenance.ILLUSTRATIVE: "Illustrative: not from the council's record; shown so the page has something to show.",
    Provenance.REBUILT: "Rebuilt: reconstructed from the minutes; the council's own agenda is not held.",
    Provenance.INFERRED: "Inferred: worked out from the record, not stated in it.",
}


def is_marked(provenance: str | None) -> bool:
    """Whether a value needs its mark wherever it is shown (anything but the council's own record)."""
    return bool(provenance) and provenance != Provenance.RECORDED


def csv_value(value, provenance: str | None = Provenance.RECORDED) -> str:
    """A value for a CSV cell: "Not recorded" when absent, and its mark after it when it is not the council's."""
    if value is None or value == "":
        return NOT_RECORDED
    if is_marked(provenance):
        return f"{value} ({Provenance(provenance).label.lower()})"
    return str(value)
