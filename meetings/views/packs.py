"""Agenda pack downloads, printed minutes and single papers as PDF.

Who may have what is decided by the models' visible_to querysets (committee.access underneath), never here. Packs are
served from the stored file of the version asked for; they are built by meetings.packs, never per request.
"""

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views import View

from meetings import bodies, pdf
from meetings.models import AgendaPack, Document, Meeting


def _cache_control(response, request):
    # A signed-in user may be getting a restricted or draft paper: keep it out of shared caches.
    response["Cache-Control"] = "private, no-store" if request.user.is_authenticated else "public, max-age=300"
    return response


def _pdf_response(request, data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return _cache_control(response, request)


class PackDownloadView(View):
    """One built version of an agenda pack, as stored."""

    def get(self, request, pk):
        pack = get_object_or_404(AgendaPack.objects.visible_to(request.user).ready().select_related("meeting__committee"), pk=pk)
        try:
            handle = pack.file.open("rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404("The pack's file is missing; build the pack again.") from error
        return _cache_control(FileResponse(handle, content_type="application/pdf", filename=pack.filename), request)


class MinutesPdfView(View):
    """The minutes of one meeting, printed on their own (as far as the user may read them)."""

    def get(self, request, pk):
        meeting = get_object_or_404(Meeting.objects.with_full_record(request.user), pk=pk)
        if not meeting.minutes_visible or not meeting.minute_items.all():
            raise Http404("These minutes are not published.")
        filename = f"{meeting.committee.slug}-{meeting.date:%Y-%m-%d}-minutes.pdf"
        return _pdf_response(request, pdf.render_minutes(meeting), filename)


class DocumentPdfView(View):
    """One paper: its cover sheet and text, or the uploaded PDF (with a cover sheet when it has cover-sheet fields)."""

    def get(self, request, pk):
        document = get_object_or_404(
            Document.objects.visible_to(request.user).select_related("agenda_item__meeting__committee"),
            pk=pk,
        )
        filename = f"{document.agenda_item.meeting.committee.slug}-{document.agenda_item.meeting.date:%Y-%m-%d}-paper-{document.pk}.pdf"
        if document.file and not pdf.has_cover_sheet(document):
            try:
                handle = document.file.open("rb")
            except (FileNotFoundError, ValueError) as error:
                raise Http404("The uploaded file is missing.") from error
            return _cache_control(FileResponse(handle, content_type="application/pdf", filename=filename), request)
        try:
            data = pdf.render_document(document)
        except pdf.PaperError as error:
            raise Http404(str(error)) from error
        return _pdf_response(request, data, filename)


class DocumentWordView(View):
    """The Word document a paper's text was imported from, as uploaded: only to those who may read the paper."""

    def get(self, request, pk):
        document = get_object_or_404(
            Document.objects.visible_to(request.user).exclude(source_file="").select_related("agenda_item__meeting__committee"), pk=pk
        )
        meeting = document.agenda_item.meeting
        filename = f"{meeting.committee.slug}-{meeting.date:%Y-%m-%d}-paper-{document.pk}.docx"
        try:
            handle = document.source_file.open("rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404("The Word document is missing.") from error
        response = FileResponse(handle, content_type=bodies.DOCX_CONTENT_TYPE, filename=filename, as_attachment=True)
        return _cache_control(response, request)


urlpatterns = [
    path("packs/<int:pk>/", PackDownloadView.as_view(), name="pack"),
    path("documents/<int:pk>/word/", DocumentWordView.as_view(), name="document_word"),
    path("meetings/<int:pk>/minutes.pdf", MinutesPdfView.as_view(), name="minutes_pdf"),
    path("documents/<int:pk>/pdf/", DocumentPdfView.as_view(), name="document_pdf"),
]
