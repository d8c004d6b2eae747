"""Admin for agenda packs: build, publish and supplementary packs from the meeting list and the meeting's page.

The meeting and document admins are re-registered here as subclasses of meetings.admin.core's, so the pack workflow
lives beside the rest of the pack code. Every step calls meetings.packs, as the build_pack command does.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from meetings import bodies, packs, services
from meetings.admin import core
from meetings.models import AgendaPack, Document, Meeting
from meetings.pdf import REGULATIONS, UNTAGGED_WARNING, upload_max_bytes, validate_pdf_upload


# ---------------------------------------------------------------------------
# Documents: the report's text with a preview, a Word upload, an uploaded PDF (a readable PDF within the size limit)
# ---------------------------------------------------------------------------
class _Linked(str):
    """A file name that links to `url` in the file widget."""

    def __new__(cls, name, url):
        linked = super().__new__(cls, name)
        linked.url = url
        return linked


class PaperFileInput(forms.ClearableFileInput):
    """Links the current file to the view that checks who may read the paper (MEDIA_ROOT is never served directly)."""

    download_url = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.download_url and context["widget"]["is_initial"]:
            context["widget"]["value"] = _Linked(str(value.name).rsplit("/", 1)[-1], self.download_url)
        return context


class DocumentAdminForm(forms.ModelForm):
    preview_requested = False  # set by DocumentAdmin.get_form when the officer pressed "Preview"

    class Meta:
        model = Document
        fields = ["agenda_item", "order", "title", "kind", "cover_meeting", "cover_date", "subject", "report_from", "contact_officer"]
        fields += ["body_source", "source_file", "file", "background_papers"]
        widgets = {
            "body_source": forms.Textarea(attrs={"rows": 24, "class": "vLargeTextField app-report-source"}),
            "source_file": PaperFileInput,
            "file": PaperFileInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.preview = None
        limit = f"{upload_max_bytes() // (1024 * 1024)} MB"
        if "file" in self.fields:
            self.fields["file"].help_text = (
                f"A PDF of up to {limit}, not password-protected. It is printed in the agenda pack after the cover sheet and "
                "any text above. Upload a tagged (accessible) PDF: an untagged one is accepted but listed as not accessible."
            )
            self.fields["file"].widget.attrs["accept"] = "application/pdf,.pdf"
        if "source_file" in self.fields:
            self.fields["source_file"].help_text = (
                f"A Word document (.docx, up to {limit}). Its headings, numbered lists, tables and emphasis replace the report "
                "text above when you save; the document is kept beside it."
            )
            self.fields["source_file"].widget.attrs["accept"] = f".docx,{bodies.DOCX_CONTENT_TYPE}"
        if self.instance.pk:
            if "file" in self.fields:
                self.fields["file"].widget.download_url = reverse("meetings:document_pdf", args=[self.instance.pk])
            if "source_file" in self.fields:
                self.fields["source_file"].widget.download_url = reverse("meetings:document_word", args=[self.instance.pk])
        self.word_body = None

    def clean_file(self):
        file = self.cleaned_data.get("file")
        # Only a new upload is checked; the file already saved stays as it is if this one is refused.
        if isinstance(file, UploadedFile):
            validate_pdf_upload(file)
        return file

    def clean_source_file(self):
        file = self.cleaned_data.get("source_file")
        if isinstance(file, UploadedFile):
            try:
                self.word_body = bodies.read_docx_upload(file, max_bytes=upload_max_bytes())
            except bodies.WordImportError as error:
                raise ValidationError(str(error), code="not_a_word_document") from error
        return file

    def clean(self):
        cleaned = super().clean()
        if self.preview_requested and not self.errors:
            body = self.word_body or bodies.render_source(cleaned.get("body_source", ""))
            notes = list(body.notes)
            if self.word_body is not None:
                notes.append("Preview of the Word document. Choose it again before you save: a browser does not keep a chosen file.")
            self.preview = {"html": body.html, "notes": notes}
            # Nothing is saved: the form comes back with what was typed and the preview (see DocumentAdmin).
            raise ValidationError("Preview only: nothing has been saved.", code="preview")
        return cleaned


class PaperInlineForm(DocumentAdminForm):
    class Meta(DocumentAdminForm.Meta):
        fields = ["order", "title", "kind", "cover_meeting", "cover_date", "subject", "report_from", "contact_officer"]
        fields += ["body_source", "source_file", "file"]


class PaperInline(core.GovernedInline, admin.StackedInline):
    """Reports added and uploaded from within their agenda item, the cover sheet's MEETING, DATE and SUBJECT already
    filled in from the meeting and item (what the officer used to retype)."""

    model = Document
    form = PaperInlineForm
    extra = 0
    fields = [("title", "kind", "order"), ("cover_meeting", "cover_date"), "subject", ("report_from", "contact_officer")]
    fields += ["body_source", "source_file", "file"]
    verbose_name = "paper"
    verbose_name_plural = "papers (reports and appendices)"
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and obj.pk:
            fields = formset.form.base_fields
            fields["cover_meeting"].initial = obj.meeting.committee.name
            fields["cover_date"].initial = f"{obj.meeting.date.day} {obj.meeting.date:%B %Y}"
            fields["subject"].initial = obj.title
            fields["order"].initial = obj.documents.count() + 1
        return formset


admin.site.unregister(core.AgendaItem)


@admin.register(core.AgendaItem)
class AgendaItemAdmin(core.AgendaItemAdmin):
    inlines = [PaperInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Document:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            self._inline_step(formset, obj, lambda o: self.record_delete(request, o))
        for paper_form in formset.forms:
            if paper_form in formset.deleted_forms or not (paper_form.instance.pk or paper_form.has_changed()):
                continue
            word = paper_form.cleaned_data.get("source_file")
            word = word if isinstance(word, UploadedFile) else None
            paper = paper_form.instance
            paper.agenda_item = form.instance
            notes = services.document_save(
                document=paper, by=request.user, word_document=word, pdf_changed="file" in paper_form.changed_data
            )
            for note in notes:
                self.message_user(request, f"{paper.title}: {note}", messages.WARNING)


admin.site.unregister(Document)


@admin.register(Document)
class DocumentAdmin(core.DocumentAdmin):
    """Papers: every save goes through services.document_save (structured body, Word import, tagged-PDF check)."""

    form = DocumentAdminForm
    change_form_template = "admin/meetings/document/change_form.html"
    search_fields = ["title", "subject", "report_from", "contact_officer", "body_source"]
    list_display = [*core.DocumentAdmin.list_display, "upload_accessibility"]
    list_filter = [*core.DocumentAdmin.list_filter, "upload_accessibility"]
    readonly_fields = ["accessibility"]
    fieldsets = [
        (None, {"fields": ["agenda_item", "order", "title", "kind"]}),
        (
            "Cover sheet",
            {"fields": ["cover_meeting", "cover_date", "subject", "report_from", "contact_officer", ("classification", "decision_type")]},
        ),
        ("Report text", {"fields": ["body_source", "source_file"]}),
        ("Uploaded PDF", {"fields": ["file", "accessibility"]}),
        ("Background papers", {"fields": ["background_papers"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if request.method == "POST" and "_preview" in request.POST:
            return type(form.__name__, (form,), {"preview_requested": True})
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if getattr(form, "preview", None) is not None:
            context["errors"] = []  # the preview is not an error: the page says nothing was saved
            context["preview"] = form.preview
        elif obj is not None and obj.pk:
            context["preview"] = {"html": obj.body, "notes": [], "saved": True}
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    @admin.display(description="Accessibility")
    def accessibility(self, document):
        if document is None or not document.file:
            return "No PDF uploaded."
        if document.upload_accessibility == Document.UploadAccessibility.TAGGED:
            return "Tagged: its headings, reading order and tables reach screen readers, and are kept in the agenda pack."
        return format_html("<strong>{}</strong><br>{}", document.get_upload_accessibility_display(), UNTAGGED_WARNING)

    def save_model(self, request, obj, form, change):
        word = form.cleaned_data.get("source_file")
        word = word if isinstance(word, UploadedFile) else None
        if word is not None and "body_source" in form.changed_data:
            self.message_user(request, "The report text was replaced by the Word document's.", messages.WARNING)
        notes = services.document_save(document=obj, by=request.user, word_document=word, pdf_changed="file" in form.changed_data)
        for note in notes:
            self.message_user(request, note, messages.WARNING)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        return self._stay_after_word_import(request, obj) or response

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        return self._stay_after_word_import(request, obj) or response

    def _stay_after_word_import(self, request, obj):
        """After a Word import, come back to the paper so the officer sees the preview of what arrived."""
        if "source_file" in request.FILES and "_addanother" not in request.POST and not self.is_popup(request):
            return redirect(reverse("admin:meetings_document_change", args=[obj.pk]))
        return None

    @staticmethod
    def is_popup(request):
        return "_popup" in request.POST or "_popup" in request.GET


def _why_not_accessible(paper: Document) -> str:
    reasons = []
    if paper.file and paper.upload_accessibility != Document.UploadAccessibility.TAGGED:
        reasons.append("the uploaded PDF is not tagged" if paper.upload_accessibility else "the uploaded PDF has not been checked")
    if f'class="{bodies.MISSING_PICTURE_CLASS}"' in paper.body:
        reasons.append("pictures from the Word document are not included")
    return "; ".join(reasons)


# ---------------------------------------------------------------------------
# Packs: every version kept, listed under the meeting and on their own
# ---------------------------------------------------------------------------
def _download_link(pack):
    return format_html('<a href="{}">Download ({} pages, {})</a>', pack.get_absolute_url(), pack.page_count, pack.size_label)


def _time(moment) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y %H:%M}" if moment else "–"


def _pack_state(meeting, pack) -> str:
    """Where one pack's build is, in the clerk's words, with what can be done next."""
    then = " It will be published once it is built." if pack.publish_when_built and not pack.is_published else ""
    if pack.status == AgendaPack.Status.QUEUED:
        return format_html("<strong>queued</strong>, waiting for the worker since {}.{}", _time(pack.queued_at), then)
    if pack.status == AgendaPack.Status.BUILDING:
        attempt = f" (attempt {pack.attempts})" if pack.attempts > 1 else ""
        return format_html("<strong>building</strong> since {}{}.{}", _time(pack.started_at), attempt, then)
    if pack.status == AgendaPack.Status.FAILED:
        url = reverse("admin:meetings_meeting_pack_retry", args=[meeting.pk, pack.pk])
        return format_html('<strong>failed</strong>: {} <a href="{}">Try again</a>', pack.error or "the reason was not recorded.", url)
    if pack.is_published:
        state = f"published {_time(pack.published_at)}"
        state += f" by {pack.published_by}" if pack.published_by else ""
        state += " (current)" if pack.is_current else " (superseded)"
    else:
        url = reverse("admin:meetings_meeting_pack_version", args=[meeting.pk, pack.pk])
        state = format_html('built {}, not published – <a href="{}">Publish this version</a>', _time(pack.built_at), url)
    warning = format_html('<br><strong class="errornote">{}</strong>', pack.notice_warning) if pack.notice_warning else ""
    note = format_html("<br>{}", pack.error) if pack.error else ""
    return format_html("{}; {}{}{}", _download_link(pack), state, note, warning)


def _version_rows(meeting):
    """Every version of the meeting's packs, newest first: one query (a read-only panel, not an inline formset)."""
    return meeting.packs.select_related("published_by").order_by("-version", "kind", "audience")


# ---------------------------------------------------------------------------
# Meetings: pack actions on the list, buttons on the meeting's page
# ---------------------------------------------------------------------------
PACK_STEPS = {
    "build": {
        "title": "Build the agenda pack",
        "button": "Build the pack",
        "explain": "Builds a new version of the agenda pack for checking. It is not published: only committee members and officers "
        "can download it until you publish.",
    },
    "publish": {
        "title": "Publish the agenda pack",
        "button": "Build and publish",
        "explain": "Builds a new version of the agenda pack and publishes it as soon as it is ready. The agenda becomes public, "
        "subscribers are told, and earlier versions stay on record.",
    },
    "supplementary": {
        "title": "Publish a supplementary pack",
        "button": "Build and publish the supplementary pack",
        "explain": "Builds a supplementary pack carrying only the late reports listed below (items marked “To follow” whose papers "
        "are now attached) and publishes it as soon as it is ready.",
    },
}


admin.site.unregister(Meeting)


@admin.register(Meeting)
class MeetingAdmin(core.MeetingAdmin):
    actions = [*core.MeetingAdmin.actions, "build_pack", "publish_pack", "publish_supplementary_pack"]
    readonly_fields = [*core.MeetingAdmin.readonly_fields, "pack_versions", "papers_not_accessible"]
    fieldsets = [
        *core.MeetingAdmin.fieldsets[:2],
        ("Agenda packs", {"fields": ["pack_versions", "papers_not_accessible"]}),
        *core.MeetingAdmin.fieldsets[2:],
    ]

    @admin.display(description="Papers not accessible")
    def papers_not_accessible(self, meeting):
        """The meeting's papers a screen reader cannot use (untagged uploads, pictures left out of a Word import)."""
        if meeting is None or meeting.pk is None:
            return "–"
        papers = list(
            Document.objects.filter(agenda_item__meeting=meeting)
            .not_accessible()
            .select_related("agenda_item")
            .order_by("agenda_item__number", "order")
        )
        if not papers:
            return "None: every paper is accessible (tagged PDF, or text with its structure)."
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> (item {}): {}</li>',
            (
                (
                    reverse("admin:meetings_document_change", args=[paper.pk]),
                    paper.title,
                    paper.agenda_item.number,
                    _why_not_accessible(paper),
                )
                for paper in papers
            ),
        )
        return format_html(
            "<ul>{}</ul><p>Under {} published papers must be accessible. These are listed on the public accessibility "
            "statement until they are replaced.</p>",
            rows,
            REGULATIONS,
        )

    @admin.display(description="Versions")
    def pack_versions(self, meeting):
        """The meeting's pack versions and where each build is (queued, building, built, failed with the reason); a built
        draft can be published as it is, a failed build tried again."""
        if meeting is None or meeting.pk is None:
            return "Save the meeting, then build its agenda pack with the buttons above."
        rows = []
        for pack in _version_rows(meeting):
            rows.append(format_html("<li>{} version {}: {}</li>", pack.label, pack.version, _pack_state(meeting, pack)))
        if not rows:
            return "No pack has been built yet."
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((row,) for row in rows)))

    def get_urls(self):
        return [
            path(
                "<path:object_id>/pack/version/<int:pack_id>/",
                self.admin_site.admin_view(self.pack_version_view),
                name="meetings_meeting_pack_version",
            ),
            path(
                "<path:object_id>/pack/retry/<int:pack_id>/",
                self.admin_site.admin_view(self.pack_retry_view),
                name="meetings_meeting_pack_retry",
            ),
            path("<path:object_id>/pack/<str:step>/", self.admin_site.admin_view(self.pack_view), name="meetings_meeting_pack"),
            *super().get_urls(),
        ]

    # --- list actions -------------------------------------------------------------
    @admin.action(description="Build the agenda pack of the selected meetings (not published)", permissions=["change"])
    def build_pack(self, request, queryset):
        for meeting in queryset:
            self._pack_step(request, meeting, "build")

    @admin.action(description="Build and publish the agenda pack of the selected meetings", permissions=["publish"])
    def publish_pack(self, request, queryset):
        for meeting in queryset:
            self._pack_step(request, meeting, "publish")

    @admin.action(description="Publish a supplementary pack of late reports for the selected meetings", permissions=["publish"])
    def publish_supplementary_pack(self, request, queryset):
        for meeting in queryset:
            self._pack_step(request, meeting, "supplementary")

    # --- the meeting page's buttons: confirm (GET), then do it (POST) ---------------------
    def pack_view(self, request, object_id, step):
        meeting = self.get_object(request, unquote(object_id))
        if meeting is None or step not in PACK_STEPS:
            raise Http404("No such meeting or step.")
        allowed = self.has_change_permission(request, meeting) if step == "build" else self.has_publish_permission(request)
        if not allowed:
            raise PermissionDenied
        if request.method == "POST":
            self._pack_step(request, meeting, step)
            return redirect(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
        today = timezone.localdate()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": meeting,
            "step": step,
            **PACK_STEPS[step],
            "late_items": list(packs.late_items(meeting=meeting)) if step == "supplementary" else [],
            "warning": packs.notice_warning(meeting=meeting, published_on=today) if step != "build" else "",
            "deadline": packs.notice_deadline(meeting=meeting),
        }
        return TemplateResponse(request, "admin/meetings/meeting/pack_confirm.html", context)

    def pack_version_view(self, request, object_id, pack_id):
        """Publish one built version as it is (the draft that was checked), without building again."""
        meeting = self.get_object(request, unquote(object_id))
        pack = AgendaPack.objects.filter(meeting=meeting, pk=pack_id).first() if meeting else None
        if pack is None:
            raise Http404("No such pack.")
        if not self.has_publish_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            try:
                published = packs.pack_publish(pack=pack, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{meeting}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{meeting}: {published.label} version {published.version} published.", messages.SUCCESS)
                if published.notice_warning:
                    self.message_user(request, f"{meeting}: {published.notice_warning}", messages.WARNING)
            return redirect(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": meeting,
            "step": "version",
            "title": f"Publish {pack.label.lower()} version {pack.version}",
            "button": "Publish this version",
            "explain": f"Publishes version {pack.version} as it was built ({pack.page_count} pages); earlier versions stay on record.",
            "warning": packs.notice_warning(meeting=meeting, published_on=timezone.localdate()),
            "deadline": packs.notice_deadline(meeting=meeting),
        }
        return TemplateResponse(request, "admin/meetings/meeting/pack_confirm.html", context)

    def pack_retry_view(self, request, object_id, pack_id):
        """Try a failed build again (the same version; it is still published when built if the clerk had asked)."""
        meeting = self.get_object(request, unquote(object_id))
        pack = AgendaPack.objects.filter(meeting=meeting, pk=pack_id).first() if meeting else None
        if pack is None:
            raise Http404("No such pack.")
        allowed = self.has_publish_permission(request) if pack.publish_when_built else self.has_change_permission(request, meeting)
        if not allowed:
            raise PermissionDenied
        if request.method == "POST":
            try:
                packs.pack_retry(pack=pack, by=request.user)
            except ValidationError as error:
                self.message_user(request, f"{meeting}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{meeting}: {pack.label} version {pack.version} queued again. Refresh the page to see it.", messages.INFO
                )
            return redirect(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": meeting,
            "step": "retry",
            "title": f"Try building {pack.label.lower()} version {pack.version} again",
            "button": "Try again",
            "explain": f"The last try failed: {pack.error or 'the reason was not recorded.'} "
            + ("It will be published once it is built, as you asked." if pack.publish_when_built else "It will not be published."),
            "warning": "",
            "deadline": packs.notice_deadline(meeting=meeting),
        }
        return TemplateResponse(request, "admin/meetings/meeting/pack_confirm.html", context)

    def _pack_step(self, request, meeting, step):
        kind = AgendaPack.Kind.SUPPLEMENTARY if step == "supplementary" else AgendaPack.Kind.MAIN
        try:
            built = packs.pack_build(meeting=meeting, kind=kind, by=request.user, publish=step != "build")
        except ValidationError as error:
            self.message_user(request, f"{meeting}: {' '.join(error.messages)}", messages.ERROR)
            return
        for pack in built:
            pack.refresh_from_db()
            if pack.status in (AgendaPack.Status.QUEUED, AgendaPack.Status.BUILDING):
                then = " It will be published as soon as it is built." if step != "build" else ""
                queued = f"{meeting}: {pack.label.lower()} version {pack.version} is queued to be built.{then}"
                self.message_user(request, f"{queued} Refresh the page to see it.", messages.INFO)
            elif pack.status == AgendaPack.Status.FAILED:
                self.message_user(request, f"{meeting}: {pack.label} version {pack.version} failed: {pack.error}", messages.ERROR)
            else:
                done = "published" if pack.is_published else "built (not published)"
                self.message_user(
                    request, f"{meeting}: {pack.label} version {pack.version} {done}, {pack.page_count} pages.", messages.SUCCESS
                )
        not_accessible = list(Document.objects.filter(agenda_item__meeting=meeting).not_accessible().values_list("title", flat=True))
        if not_accessible:
            titles = ", ".join(f"“{title}”" for title in not_accessible)
            self.message_user(
                request,
                f"{meeting}: the pack includes {len(not_accessible)} paper{'s' if len(not_accessible) > 1 else ''} that "
                f"{'are' if len(not_accessible) > 1 else 'is'} not accessible ({titles}). Under {REGULATIONS} they must be "
                "made accessible: see “Papers not accessible” on the meeting.",
                messages.WARNING,
            )
        if step != "build":
            # Known now even while the build runs: publication will be today.
            warning = (
                built[0].notice_warning
                if built[0].is_published
                else packs.notice_warning(meeting=meeting, published_on=timezone.localdate())
            )
            if warning:
                self.message_user(request, f"{meeting}: {warning}", messages.WARNING)
