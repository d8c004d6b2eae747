"""The clerks' "Checks" pages in the admin: what the record checks (committee.checks) find for one record, grouped by
the rule that found it, each finding linking to the record to look at; and the list of every check.

An admin gets them by mixing in `ChecksAdminMixin` and saying what to run (`checks_findings`) and who may see them
(`checks_permission`, held for the record's committee: committee.access.may). Records of committees the user does not
support are not found (404), as on every admin page; the list of checks holds rules only, never findings.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from committee import checks
from committee.access import may
from committee.scoping import committee_id_of


class ChecksAdminMixin:
    checks_permission = ""  # e.g. "meetings.change_meeting": held for the record's committee
    checks_template = "admin/checks/findings.html"
    checks_lists_rules = False  # one admin (the committee's) also serves the list of checks

    def checks_findings(self, obj) -> list[checks.Finding]:
        raise NotImplementedError

    def checks_allowed(self, request, obj) -> bool:
        return obj is not None and may(request.user, self.checks_permission, committee_id_of(obj))

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        urls = [path("<path:object_id>/checks/", self.admin_site.admin_view(self.checks_view), name=f"{info[0]}_{info[1]}_checks")]
        if self.checks_lists_rules:
            urls.insert(0, path("checks/", rules_view(self.admin_site), name="committee_check_rules"))
        return [*urls, *super().get_urls()]

    def step_context(self, request, object_id):
        context = super().step_context(request, object_id)
        if object_id and request.user.has_perm(self.checks_permission):
            url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_checks", args=[unquote(object_id)])
            context["step_buttons"] = [*context.get("step_buttons", []), (url, "Checks")]
        return context

    def checks_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such record.")
        if not self.checks_allowed(request, obj):
            raise PermissionDenied("Only those who keep this committee's record may see its checks. Ask its clerk.")
        findings = self.checks_findings(obj)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": "Checks",
            "groups": checks.grouped(findings),
            "count": len(findings),
            "change_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk]),
            "rules_url": reverse("admin:committee_check_rules"),
        }
        return TemplateResponse(request, self.checks_template, context)


def rules_view(admin_site):
    """The list of checks: every registered rule, its id, what it looks for and why (no records, so any staff may read it)."""

    def view(request):
        context = {
            **admin_site.each_context(request),
            "title": "The record checks",
            "rules": checks.rules(),
        }
        return TemplateResponse(request, "admin/checks/rules.html", context)

    return admin_site.admin_view(view)
