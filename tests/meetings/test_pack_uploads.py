"""Uploaded papers must be real, readable, unencrypted PDFs within the size limit; refusals say why, next to the field."""

import io
import re

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from weasyprint import HTML

from committee.roles import sync_roles
from meetings.admin.packs import DocumentAdminForm
from meetings.models import Document
from meetings.pdf import pdf_problem, render_document
from tests.factories import AgendaItemFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def good_pdf() -> bytes:
    return HTML(string="<h1>Appendix</h1><p>Figures for the year.</p>").write_pdf()


def encrypted(data: bytes, user_password: str = "secret") -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password, "owner-password")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def form_for(document, upload):
    data = {
        "agenda_item": document.agenda_item_id,
        "order": document.order,
        "title": document.title,
        "kind": document.kind,
        "body": document.body,
    }
    return DocumentAdminForm(data=data, files={"file": upload}, instance=document)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda good: b"PK\x03\x04 this is a Word document", "not a PDF"),
        (lambda good: encrypted(good), "password-protected"),
        (lambda good: encrypted(good, user_password=""), "password-protected"),
        (lambda good: good[: len(good) // 2], "incomplete"),
        (lambda good: good[:200] + b"\x00garbage\x00" * 40 + b"\n%%EOF\n", "damaged"),
    ],
    ids=["word-document", "encrypted", "encrypted-empty-user-password", "truncated", "broken"],
)
def test_bad_uploads_are_refused_with_the_reason(good_pdf, make, message):
    document = Document.objects.create(agenda_item=AgendaItemFactory(), title="Appendix", body="")
    form = form_for(document, SimpleUploadedFile("appendix.pdf", make(good_pdf), content_type="application/pdf"))
    assert not form.is_valid()
    assert message in " ".join(form.errors["file"])


def test_too_large_upload_is_refused_using_the_setting(settings, good_pdf):
    settings.DOCUMENT_UPLOAD_MAX_BYTES = len(good_pdf) - 1
    document = Document.objects.create(agenda_item=AgendaItemFactory(), title="Appendix")
    form = form_for(document, SimpleUploadedFile("appendix.pdf", good_pdf, content_type="application/pdf"))
    assert not form.is_valid()
    assert "the largest PDF that can be uploaded" in form.errors["file"][0]


def test_a_good_pdf_is_accepted(good_pdf):
    document = Document.objects.create(agenda_item=AgendaItemFactory(), title="Appendix")
    form = form_for(document, SimpleUploadedFile("appendix.pdf", good_pdf, content_type="application/pdf"))
    assert form.is_valid(), form.errors
    saved = form.save()
    assert saved.file.read() == good_pdf
    assert pdf_problem(good_pdf) is None


def test_refused_upload_in_the_admin_shows_next_to_the_field_and_keeps_the_saved_file(client, good_pdf):
    # given a document whose PDF is already saved
    sync_roles()
    clerk = UserFactory(username="upload-clerk", role="Clerk")
    item = AgendaItemFactory()
    item.meeting.committee.supporting_officers.add(clerk)
    document = Document.objects.create(
        agenda_item=item, title="Appendix", file=SimpleUploadedFile("first.pdf", good_pdf, content_type="application/pdf")
    )
    saved_name = document.file.name
    client.force_login(clerk)
    # when a clerk replaces it with an encrypted copy and edits the title in the same form
    data = {
        "agenda_item": item.pk,
        "order": 1,
        "title": "Appendix (revised)",
        "kind": "report",
        "cover_meeting": "",
        "cover_date": "",
        "subject": "",
        "report_from": "",
        "contact_officer": "",
        "body": "",
        "background_papers": "",
        "file": SimpleUploadedFile("second.pdf", encrypted(good_pdf), content_type="application/pdf"),
    }
    response = client.post(f"/admin/meetings/document/{document.pk}/change/", data)
    # then the form comes back with the reason beside the file field, what was typed kept, and nothing saved
    assert response.status_code == 200
    html = response.content.decode()
    assert "password-protected" in html
    assert "field-file" in html
    assert "Appendix (revised)" in html
    document.refresh_from_db()
    assert document.title == "Appendix"
    assert document.file.name == saved_name
    assert document.file.read() == good_pdf


def test_rotated_uploaded_page_is_placed_upright_with_the_footer(good_pdf):
    # given an uploaded page stored portrait but displayed turned a quarter (/Rotate 90), as scanners often save
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(good_pdf)))
    writer.pages[0].rotate(90)
    out = io.BytesIO()
    writer.write(out)
    document = Document.objects.create(
        agenda_item=AgendaItemFactory(),
        title="Scanned letter",
        subject="Scanned letter",
        file=SimpleUploadedFile("scan.pdf", out.getvalue()),
    )
    # when it is printed with its cover sheet
    reader = pypdf.PdfReader(io.BytesIO(render_document(document)))
    # then the placeholder page takes the displayed (landscape) size and carries both the letter and the footer
    page = reader.pages[1]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    assert "/Rotate" not in page or page["/Rotate"] == 0
    placed = []

    def where(text, cm, tm, font, size):
        if "Figures" in text:  # where the letter's own page put it (its portrait coordinates; pypdf omits the outer matrix)
            x, y = tm[4], tm[5]
            placed.append((cm[0] * x + cm[2] * y + cm[4], cm[1] * x + cm[3] * y + cm[5]))

    text = page.extract_text(visitor_text=where)
    assert "Figures for the year." in text
    assert "Page 2" in text
    # the matrices that draw the upload on the page (the form's own /Matrix, then the placement) turn its portrait
    # coordinates a quarter clockwise
    drawn = page.get_contents().get_data().decode("latin-1")
    match = re.search(r"q\s+([-\d. ]+) cm\s+(/PackUpload\S*) Do", drawn)
    cm = [float(v) for v in match.group(1).split()]
    form = [float(v) for v in page["/Resources"]["/XObject"][match.group(2)].get("/Matrix", [1, 0, 0, 1, 0, 0])]

    def times(m, n):  # PDF matrices [a b c d e f], row vectors: apply m, then n
        return [
            m[0] * n[0] + m[1] * n[2],
            m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2],
            m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4],
            m[4] * n[1] + m[5] * n[3] + n[5],
        ]

    a, b, c, d, e, f = times(form, cm)
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    letter = [(a * x + c * y + e, b * x + d * y + f) for x, y in placed]
    assert letter
    # the letter's first line, top left on the portrait page, lands top right on the page as displayed
    assert all(width / 2 < x <= width and height / 2 < y <= height for x, y in letter), (letter, width, height)


# ---------------------------------------------------------------------------
# Accessibility of uploads: a tagged PDF is welcome; an untagged one is accepted with a warning naming the regulations
# ---------------------------------------------------------------------------
def _post_upload(client, document, upload):
    data = {
        "agenda_item": document.agenda_item_id,
        "order": 1,
        "title": document.title,
        "kind": "appendix",
        "cover_meeting": "",
        "cover_date": "",
        "subject": "",
        "report_from": "",
        "contact_officer": "",
        "body_source": "",
        "background_papers": "",
        "file": upload,
    }
    return client.post(f"/admin/meetings/document/{document.pk}/change/", data, follow=True)


def test_an_untagged_upload_is_accepted_with_a_warning_and_listed_on_the_meeting_as_not_accessible(client, good_pdf):
    # given: a clerk supporting the committee, and a paper on its agenda
    sync_roles()
    clerk = UserFactory(username="a11y-clerk", role="Clerk")
    item = AgendaItemFactory()
    item.meeting.committee.supporting_officers.add(clerk)
    document = Document.objects.create(agenda_item=item, title="Appendix C")
    client.force_login(clerk)
    # when: an untagged PDF is uploaded
    response = _post_upload(client, document, SimpleUploadedFile("appendix.pdf", good_pdf, content_type="application/pdf"))
    # then: it is saved, with a warning that names the regulations, and the paper is recorded as not tagged
    html = response.content.decode()
    document.refresh_from_db()
    assert document.file
    assert document.upload_accessibility == Document.UploadAccessibility.UNTAGGED
    assert "The uploaded PDF is not tagged" in html
    assert "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018" in html
    # and: the meeting's page in the admin (where packs are built) lists it as not accessible
    meeting_page = client.get(f"/admin/meetings/meeting/{item.meeting_id}/change/").content.decode()
    assert "Papers not accessible" in meeting_page
    assert "Appendix C" in meeting_page.split("Papers not accessible")[1]
    assert "the uploaded PDF is not tagged" in meeting_page


def test_a_tagged_upload_is_recorded_as_accessible_and_not_listed(client):
    sync_roles()
    clerk = UserFactory(username="a11y-clerk-2", role="Clerk")
    item = AgendaItemFactory()
    item.meeting.committee.supporting_officers.add(clerk)
    document = Document.objects.create(agenda_item=item, title="Appendix D")
    client.force_login(clerk)
    tagged = HTML(string="<html lang='en-GB'><title>Appendix D</title><h1>Appendix D</h1><p>Figures.</p></html>").write_pdf(
        pdf_variant="pdf/ua-1"
    )
    response = _post_upload(client, document, SimpleUploadedFile("appendix.pdf", tagged, content_type="application/pdf"))
    document.refresh_from_db()
    assert document.upload_accessibility == Document.UploadAccessibility.TAGGED
    assert "not tagged" not in response.content.decode()
    meeting_page = client.get(f"/admin/meetings/meeting/{item.meeting_id}/change/").content.decode()
    assert "every paper is accessible" in meeting_page
