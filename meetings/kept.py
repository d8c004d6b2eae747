"""Which meetings pages are kept (committee/keep.py), and which data each shows."""

import re

from committee import keep
from committee.models import Committee
from meetings.models import Document, Meeting

YEAR = re.compile(r"^\d{4}-\d{2}$")


def _committee(committee_id):
    return [keep.committee_pages(committee_id), keep.PEOPLE] if committee_id is not None else None


def everything(request, **kwargs):
    """Pages that list or count the records of every committee."""
    return [keep.MEETINGS, keep.PEOPLE]


def filtered(request, **kwargs):
    """A list filtered to one committee shows only its records, one filtered to a municipal year only that year's.

    Only when the filters are accepted: a list whose filters are refused (a committee or year that is not there, any
    other bad value) lists every committee's records (FilteredListView), so it is kept against all of them."""
    view_class = getattr(request.resolver_match.func, "view_class", None)
    filterset_class = getattr(view_class, "filterset_class", None)
    if filterset_class is None or not request.GET:
        return everything(request)
    model = filterset_class._meta.model
    filters = filterset_class(request.GET, queryset=model.objects.none(), request=request)
    if not filters.is_valid():
        return everything(request)
    committee, year = filters.form.cleaned_data.get("committee"), filters.form.cleaned_data.get("year")
    if committee is not None:
        return _committee(committee.pk)
    if year and YEAR.match(year):
        return [keep.year_pages(year), keep.PEOPLE]
    return everything(request)


def meeting(request, pk):
    return _committee(Meeting.objects.filter(pk=pk).values_list("committee_id", flat=True).first())


def document(request, pk):
    # A paper's page names the improvement plans it prints or reports on (improvement_tags.plans_for_document).
    names = _committee(Document.objects.filter(pk=pk).values_list("agenda_item__meeting__committee_id", flat=True).first())
    return [*names, keep.PLAN_LINKS] if names is not None else None


def committee(request, slug):
    return _committee(Committee.objects.filter(slug=slug).values_list("pk", flat=True).first())


PAGES = {
    "meetings:home": everything,
    "meetings:list": filtered,
    "meetings:detail": meeting,
    "meetings:document": document,
    "meetings:committee": committee,
    "meetings:work_programme": committee,
    "meetings:committee_attendance": committee,
    "meetings:people": everything,
    "meetings:person": everything,
    "meetings:decisions": filtered,
    # Its summary by owner counts every committee's actions, whatever the filter.
    "meetings:actions": everything,
    "meetings:questions": everything,
    "meetings:recommendations": filtered,
    "committee:list": everything,
    # Not kept: the follow-through page (it offers the signed-in reader a subscription form); feeds, calendars and
    # files (not pages).
}
