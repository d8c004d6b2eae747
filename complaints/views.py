"""Complaints pages. The annual report is public: it holds totals only, never an individual complaint.

The work list is for staff who handle complaints; only the Complaints officer role sees personal data on it.
"""

import csv
import datetime

from django.contrib import admin
from django.contrib.auth.mixins import UserPassesTestMixin
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import ListView, TemplateView

from committee.dates import add_working_days
from committee.models import BuiltPdf
from committee.printing import built_pdf_response
from complaints import pdf, published
from complaints.access import sees_personal_data
from complaints.filters import WorkListFilter
from complaints.models import Complaint, Stage
from complaints.report import PublishedReport, published_report, report_years, year_has_records
from complaints.years import FinancialYear

WORK_LIST_WORKING_DAYS = 2
PUBLISHED_TABLE = "published"  # the CSV of the report as published, with the register's figures beside it


class ReportIndexView(TemplateView):
    """Every financial year with complaints records, newest first."""

    template_name = "complaints/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["years"] = published.mark_index_rows([dict(row) for row in report_years()])
        context["published_only_years"] = published.published_only_years([row["year"] for row in context["years"]])
        context["can_use_work_list"] = may_use_work_list(self.request)
        return context


class YearMixin:
    """Resolve the year in the URL; a well-formed year with no records is a 404, never an empty report."""

    def get_report(self) -> PublishedReport:
        year: FinancialYear = self.kwargs["year"]
        report = published_report(year)
        if report is None:
            if not published.has_published_figures(year):
                raise Http404(f"No complaints records for {year.label}.")
            # The register holds nothing for the year, but the council published figures for it: show those, no tables.
            report = PublishedReport(year, datetime.date.today(), [], [])
        return report


class AnnualReportView(YearMixin, TemplateView):
    template_name = "complaints/report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.get_report()
        context.update(report=report, tables=report.tables, quotes=report.quotes)
        context["printed"] = published.published_record(report.year, report)
        context["differences"] = sum(c.differs for p in context["printed"] for t in p.tables for c in t.rows)
        return context


class AnnualReportCsvView(YearMixin, View):
    """One table of the report as CSV, named after the year and the table."""

    def get(self, request, year, table):
        report = self.get_report()
        if table == PUBLISHED_TABLE:
            rows = published.csv_rows(published.published_record(report.year, report))
        else:
            try:
                rows = report.table(table).csv_rows()
            except KeyError:
                raise Http404("No such table.") from None
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="childrens-complaints-{year.slug}-{table.replace("_", "-")}.csv"'
        csv.writer(response).writerows(rows)
        return response


class AnnualReportPdfView(YearMixin, View):
    """The whole report as a PDF for the agenda pack: built by the worker once per change to the data, served as a file."""

    def get(self, request, year):
        if not year_has_records(year) and not published.has_published_figures(year):  # a 404, as the page is
            raise Http404(f"No complaints records for {year.label}.")
        return built_pdf_response(
            request,
            kind="complaints-report",
            key=year.slug,
            audience=BuiltPdf.Audience.PUBLIC,  # totals only, never a person
            version=pdf.report_version(),
            filename=f"childrens-complaints-annual-report-{year.slug}.pdf",
            title=f"The annual complaints report for {year.label}",
        )


def may_use_work_list(request) -> bool:
    """Staff allowed into the admin (two-factor passed where required) who may see complaints records."""
    user = request.user
    return admin.site.has_permission(request) and (sees_personal_data(user) or user.has_perm("complaints.view_complaint"))


@method_decorator(transaction.non_atomic_requests, name="dispatch")  # it only reads: no transaction to open and commit
class WorkListView(UserPassesTestMixin, ListView):
    """Stages due in the next two working days and overdue ones, soonest first; informal contacts due below.

    The rows are plain values (only the columns printed) and are written out by complaints_tags.work_list_rows in one
    pass: fifty stages through the template language's lookups were half the page's time.
    """

    template_name = "complaints/work_list.html"
    context_object_name = "stages"
    paginate_by = 50

    def test_func(self):
        return may_use_work_list(self.request)

    @property
    def shows_personal_data(self) -> bool:
        return sees_personal_data(self.request.user)

    # Only what the rows show: the stage's dates and deadlines and the complaint's reference (a complaint row is wide).
    ROW_FIELDS = (
        "number",
        "opened_date",
        "due_date",
        "extended_to",
        "panel_date",
        "panel_report_date",
        "complaint_id",
        "complaint__reference",
    )
    INFORMAL_FIELDS = ("id", "reference", "received_date", "informal_contact_due")

    def get_queryset(self):
        self.today = datetime.date.today()
        due = Stage.objects.due_within(WORK_LIST_WORKING_DAYS, self.today)
        # Both counts in one pass over the open stages' (closed_date, due_date) index; unfiltered, they also give the
        # list's length, so no second COUNT runs over the same rows.
        self.counts = due.aggregate(
            overdue=Count("pk", filter=Q(due_date__lt=self.today)), due=Count("pk", filter=Q(due_date__gte=self.today))
        )
        qs = due.order_by("due_date", "complaint__reference", "number")
        self.filterset = WorkListFilter(self.request.GET or None, queryset=qs, request=self.request)
        narrowed = self.filterset.is_valid() and any(self.filterset.form.cleaned_data.get(name) for name in ("number", "team"))
        state = self.filterset.form.cleaned_data.get("state") if self.filterset.is_valid() else ""
        self.known_count = None if narrowed else self.counts.get(state) if state else self.counts["overdue"] + self.counts["due"]
        fields = self.ROW_FIELDS
        if self.shows_personal_data:
            fields += ("complaint__personal_data__complainant_name",)
        return (self.filterset.qs if self.filterset.is_valid() else qs).values(*fields)

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        if self.known_count is not None:
            paginator.count = self.known_count  # counted with the overdue and due figures
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = self.today
        stages = list(context["stages"])
        if context["page_obj"] is not None:
            context["page_obj"].object_list = stages
        context["stages"] = stages
        context["filter"] = self.filterset
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        context["today"] = today
        context["horizon"] = add_working_days(today, WORK_LIST_WORKING_DAYS)
        context["show_personal_data"] = self.shows_personal_data
        context["counts"] = self.counts
        informal = (
            Complaint.objects.awaiting_informal_contact()
            .filter(informal_contact_due__lte=context["horizon"])
            .order_by("informal_contact_due")
        )
        informal_fields = self.INFORMAL_FIELDS
        if self.shows_personal_data:
            informal_fields += ("personal_data__complainant_name",)
        informal = list(informal.values(*informal_fields)[:50])
        # Each complaint's teams, for both tables in one query, in the teams' own order (Team.Meta.ordering).
        names = {}
        complaint_ids = {row["complaint_id"] for row in stages} | {row["id"] for row in informal}
        if complaint_ids:
            links = Complaint.teams.through.objects.filter(complaint_id__in=complaint_ids).order_by("team__order", "team__name")
            for complaint_id, name in links.values_list("complaint_id", "team__name"):
                names.setdefault(complaint_id, []).append(name)
        for row in stages:
            row["teams"] = names.get(row["complaint_id"], ())
        for row in informal:
            row["teams"] = names.get(row["id"], ())
        context["informal"] = informal
        context["can_open_admin"] = self.request.user.has_perm("complaints.change_complaint") or self.request.user.has_perm(
            "complaints.view_complaint"
        )
        return context
