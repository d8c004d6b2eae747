"""The demo's agenda packs: 16 September 2025 and 7 January 2026, built from the seed transcriptions."""

import datetime
import io
import re

import pypdf
import pytest

from meetings.models import AgendaPack, Meeting
from meetings.packs import publish_demo_packs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_demo_packs_are_published_once_with_the_seed_structure(demo):
    # when the demo packs are published
    published = publish_demo_packs()
    # then both meetings have a current public pack, dated as the demo agendas were published
    assert [pack.meeting.date for pack in published] == [datetime.date(2025, 9, 16), datetime.date(2026, 1, 7)]
    september, january = published
    assert september.published_at == Meeting.objects.get(pk=september.meeting_id).agenda_published_at
    with september.file.open("rb") as handle:
        texts = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(handle.read())).pages]
    assert "AGENDA FOR" in texts[0]
    assert "C Boles (Chair)" in texts[0]
    assert re.search(r"3 MINUTES \(Pages 3 - 8\)", texts[1])  # as in the seed: the July minutes fill pages 3 to 8
    assert texts[2].startswith("Agenda Item 3")
    # published 8 days ahead: 5 clear days in September; over Christmas and New Year only 4
    assert (september.clear_days, september.notice_warning) == (5, "")
    assert january.clear_days == 4
    assert "4 clear working days" in january.notice_warning
    # and running it again (load_demo is idempotent) adds no versions
    assert publish_demo_packs() == []
    assert AgendaPack.objects.filter(kind=AgendaPack.Kind.MAIN).count() == 2
