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

from meetings import packs
from meetings.admin import core
from meetings.models import AgendaPack, Document, Meeting
from meetings.pdf import upload_max_bytes, validate_pdf_upload

# ---------------------------------------------------------------------------
# Documents: an upload must be a readable PDF within the size limit
# ---------------------------------------------------------------------------


class DocumentAdminForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["agenda_item", "order", "title", "kind", "cover_meeting", "cover_date", "subject", "report_from", "contact_officer"]
        fields += ["body", "file", "background_papers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            self.fields["file"].help_text = (
                f"A PDF of up to {upload_max_bytes() // (1024 * 1024)} MB, not password-protected. "
                "It is printed in the agenda pack after the cover sheet and any text above."
            )
            self.fields["file"].widget.attrs["accept"] = "application/pdf,.pdf"

    def clean_file(self):
        file = self.cleaned_data.get("file")
        # Only a new upload is checked; the file already saved stays as it is if this one is refused.
        if isinstance(file, UploadedFile):
            validate_pdf_upload(file)
        return file


admin.site.unregister(Document)


@admin.register(Document)
class DocumentAdmin(core.DocumentAdmin):
    form = DocumentAdminForm


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
    readonly_fields = [*core.MeetingAdmin.readonly_fields, "pack_versions"]
    fieldsets = [
        *core.MeetingAdmin.fieldsets[:2],
        ("Agenda packs", {"fields": ["pack_versions"]}),
        *core.MeetingAdmin.fieldsets[2:],
    ]

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
        if step != "build":
            # Known now even while the build runs: publication will be today.
            warning = (
                built[0].notice_warning
                if built[0].is_published
                else packs.notice_warning(meeting=meeting, published_on=timezone.localdate())
            )
            if warning:
                self.message_user(request, f"{meeting}: {warning}", messages.WARNING)
