"""Agenda pack downloads, printed minutes and single papers as PDF.

Who may have what is decided by the models' visible_to querysets (committee.access underneath), never here. Every PDF
is a stored file: packs are built by meetings.packs, minutes and papers by the worker once per version of their data
(committee.printing, meetings.printing); a request only checks access and serves the file (or says it is being made).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views import View

from committee.models import BuiltPdf
from committee.printing import built_pdf_response, protected_file_response
from meetings import bodies, pdf
from meetings.models import AgendaPack, Document, Meeting, MinuteItem
from meetings.printing import print_version


class PackDownloadView(View):
    """One built version of an agenda pack, as stored."""

    def get(self, request, pk):
        pack = get_object_or_404(AgendaPack.objects.visible_to(request.user).ready().select_related("meeting__committee"), pk=pk)
        return protected_file_response(request, pack.file, filename=pack.filename)


class MinutesPdfView(View):
    """The minutes of one meeting, printed on their own (as far as the user may read them)."""

    def get(self, request, pk):
        meeting = get_object_or_404(Meeting.objects.select_related("committee").with_access(request.user), pk=pk)
        if not meeting.minutes_visible or not MinuteItem.objects.visible_to(request.user).filter(meeting=meeting).exists():
            raise Http404("These minutes are not published.")
        # Members get the copy with exempt minutes; everyone else the public one (the worker prints each as its reader).
        audience = BuiltPdf.Audience.RESTRICTED if meeting.restricted_access else BuiltPdf.Audience.PUBLIC
        return built_pdf_response(
            request,
            kind="minutes",
            key=str(meeting.pk),
            audience=audience,
            version=print_version(),
            filename=f"{meeting.committee.slug}-{meeting.date:%Y-%m-%d}-minutes.pdf",
            title=f"The minutes of {meeting}",
        )


class DocumentPdfView(View):
    """One paper: its cover sheet and text, or the uploaded PDF (with a cover sheet when it has cover-sheet fields)."""

    def get(self, request, pk):
        document = get_object_or_404(
            Document.objects.visible_to(request.user).select_related("agenda_item__meeting__committee"),
            pk=pk,
        )
        filename = f"{document.agenda_item.meeting.committee.slug}-{document.agenda_item.meeting.date:%Y-%m-%d}-paper-{document.pk}.pdf"
        if document.file and not pdf.has_cover_sheet(document):
            return protected_file_response(request, document.file, filename=filename)
        return built_pdf_response(
            request,
            kind="paper",
            key=str(document.pk),
            audience=BuiltPdf.Audience.PUBLIC,  # the paper is the same for everyone allowed to open it (checked above)
            version=print_version(),
            filename=filename,
            title=f"“{document.title}”",
        )


class DocumentWordView(View):
    """The Word document a paper's text was imported from, as uploaded: only to those who may read the paper."""

    def get(self, request, pk):
        document = get_object_or_404(
            Document.objects.visible_to(request.user).exclude(source_file="").select_related("agenda_item__meeting__committee"), pk=pk
        )
        meeting = document.agenda_item.meeting
        filename = f"{meeting.committee.slug}-{meeting.date:%Y-%m-%d}-paper-{document.pk}.docx"
        response = protected_file_response(request, document.source_file, filename=filename, content_type=bodies.DOCX_CONTENT_TYPE)
        response["Content-Disposition"] = response["Content-Disposition"].replace("inline;", "attachment;", 1)
        return response


urlpatterns = [
    path("packs/<int:pk>/", PackDownloadView.as_view(), name="pack"),
    path("documents/<int:pk>/word/", DocumentWordView.as_view(), name="document_word"),
    path("meetings/<int:pk>/minutes.pdf", MinutesPdfView.as_view(), name="minutes_pdf"),
    path("documents/<int:pk>/pdf/", DocumentPdfView.as_view(), name="document_pdf"),
]
