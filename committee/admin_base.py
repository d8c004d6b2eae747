"""The admin as a governed door onto the committee record: scoped everywhere, writing only through actions.

Every admin of a committee's records builds on `GovernedAdmin` (and its inlines on `GovernedInline`), so that:
- lists, change pages, history, autocomplete and every foreign-key or many-to-many choice hold only records of the
  committees the user supports (`CommitteeScopedQuerySet.editable_by`); a foreign id typed into a form is refused;
- saves and deletes go through the app's actions (`record_save` / `record_delete`), whose refusals come back next to
  the form with everything typed kept, never as a server error;
- history pages show only records the user may open, and "revert" is off: a revert would write around the actions;
- status changes are buttons (`Step`) with a confirmation page that says what becomes public.
"""

import calendar
import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from committee.access import supported_committee_ids
from committee.scoping import CommitteeScopedQuerySet, committee_id_of, committee_path_of


def scoped(request, queryset):
    """`queryset` narrowed to the committees the user supports, if its records belong to committees, with the related
    rows its choice labels print (`label_related`, e.g. an agenda item's meeting and committee) fetched in the same query."""
    if isinstance(queryset, CommitteeScopedQuerySet):
        queryset = queryset.editable_by(request.user)
    related = getattr(queryset.model, "label_related", ())
    return queryset.select_related(*related) if related else queryset


MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9
DATE_PATTERNS = [
    # 7 January 2026, 7 Jan 2026, 7th January 2026, Wednesday 7 January 2026
    re.compile(r"(?:\b[a-z]+day,?\s+)?\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[a-z]{3,9})\.?,?\s+(?P<year>\d{4})\b", re.I),
    re.compile(r"\b(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})\b"),  # 07/01/2026, as the admin's own date fields
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b"),  # 2026-01-07
    re.compile(r"\b(?P<month>[a-z]{3,9})\.?\s+(?P<year>\d{4})\b", re.I),  # January 2026: the whole month
]


def find_date(term: str):
    """((first day, last day), the rest of the term) for a date typed as the pages print it, or None."""
    for pattern in DATE_PATTERNS:
        match = pattern.search(term)
        if not match:
            continue
        parts = match.groupdict()
        month = parts["month"]
        month = int(month) if month.isdigit() else MONTHS.get(month.lower())
        if not month or not 1 <= month <= 12:
            continue
        year = int(parts["year"])
        try:
            if parts.get("day"):
                first = last = datetime.date(year, month, int(parts["day"]))
            else:
                first = datetime.date(year, month, 1)
                last = datetime.date(year, month, calendar.monthrange(year, month)[1])
        except ValueError:
            continue
        rest = (term[: match.start()] + " " + term[match.end() :]).replace("·", " ").strip(" ,·")
        return (first, last), rest
    return None


def in_scope(request, obj) -> bool:
    """Whether `obj` belongs to a committee the user supports (records of no committee always are)."""
    if obj is None or committee_path_of(type(obj)) is None:
        return True
    return committee_id_of(obj) in supported_committee_ids(request.user)


def refusal_messages(error) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error) or "You may not do that."]


def attach_refusal(form, error) -> None:
    """Put an action's refusal next to the field it names, or at the top of the form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else None
            form.add_error(
                target,
                errors if target else ValidationError([f"{name.replace('_', ' ').capitalize()}: {m}" for e in errors for m in e.messages]),
            )
        return
    form.add_error(None, refusal_messages(error))


class ScopedChoicesMixin:
    """Every foreign-key and many-to-many choice narrowed to the user's committees (and so every posted id checked)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = scoped(request, formfield.queryset)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and hasattr(formfield, "queryset"):
            formfield.queryset = scoped(request, formfield.queryset)
        return formfield

    def parent_object_id(self, request):
        """The id of the record whose page this is (for inlines narrowing choices to it), or None on an add page."""
        match = request.resolver_match
        object_id = match.kwargs.get("object_id") if match else None
        return unquote(object_id) if object_id else None


class GovernedInline(ScopedChoicesMixin):
    """An inline whose choices are scoped like its page's (saves go through the page's `save_formset`)."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and in_scope(request, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and in_scope(request, obj)


@dataclass
class Step:
    """A button on a record's page that runs one action after a confirmation saying what it will do."""

    label: str
    explain: Any  # str, or a callable(obj) -> str: what becomes public, who is told
    run: Any  # callable(request, obj, cleaned_data) -> None; calls the action with by=request.user
    shown: Any = None  # callable(obj) -> bool: whether the process allows it now
    permission: str = ""  # e.g. "meetings.publish_meeting"; the action checks it again, for the committee
    fields: dict = field(default_factory=dict)  # extra form fields (a reason, a date, a note)
    reason_required: bool = False

    def explanation(self, obj) -> str:
        return self.explain(obj) if callable(self.explain) else self.explain

    def form_class(self):
        reason = forms.CharField(
            label="Reason (kept in the record's history)",
            required=self.reason_required,
            max_length=100,
            widget=forms.TextInput(attrs={"size": 80}),
        )
        return type("StepForm", (forms.Form,), {**self.fields, "reason": reason})


class HistoryWithoutRevert(SimpleHistoryAdmin):
    """Every version can be read; none can be restored from the history page, which would write around the actions."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Earlier versions can be read, not restored: make the change on the record's own page.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class GovernedAdmin(ScopedChoicesMixin, HistoryWithoutRevert):
    """Base admin for a committee's records: scoped reads, writes through actions, history without revert, steps."""

    steps: dict[str, Step] = {}
    step_template = "admin/governed/step_confirm.html"

    # --- what the user may see ---------------------------------------------------------
    def get_queryset(self, request):
        return scoped(request, super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        """A date typed as the pages print it ("7 January 2026", "07/01/2026", "January 2026") finds that meeting's
        records (pickers and lists alike); the rest of what was typed is searched as usual."""
        date_path = getattr(self.model, "date_path", None)
        found = find_date(search_term) if date_path and search_term else None
        if found:
            (first, last), search_term = found
            queryset = queryset.filter(**{f"{date_path}__range": (first, last)})
        return super().get_search_results(request, queryset, search_term)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and in_scope(request, obj)

    # --- history: only of records the user may open; never reverted around the actions ----
    def _visible_or_404(self, request, object_id):
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404("No such record.")

    def _has_simple_history(self) -> bool:
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        if not self._has_simple_history():
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)  # the admin's own log
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_or_404(request, object_id)
        if not self._has_simple_history():
            raise Http404("This record keeps no versions.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    # --- deleting: counts only (what a cascade reaches may be another committee's), through the action -----
    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        summary = [f"{count} {name}" for name, count in model_count.items()]
        if protected:
            collector = NestedObjects(using=router.db_for_write(self.model))
            collector.collect(objs)
            protected = [f"{name} depend on it" for name in sorted({o._meta.verbose_name_plural for o in collector.protected})]
        return summary, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        self.record_delete(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                self.record_delete(request, obj)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{obj}: {' '.join(refusal_messages(error))}", messages.ERROR)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except (ValidationError, PermissionDenied) as error:
            if request.method != "POST":
                raise
            self.message_user(request, " ".join(refusal_messages(error)), messages.ERROR)
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[object_id]))

    # --- saving: through the actions; a refusal is shown on the form, with everything typed kept ----
    def record_save(self, request, obj, form=None):
        raise NotImplementedError(f"{type(self).__name__} must save through the app's actions.")

    def record_delete(self, request, obj):
        raise NotImplementedError(f"{type(self).__name__} must delete through the app's actions.")

    def save_model(self, request, obj, form, change):
        self.record_save(request, obj, form)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self._inline_step(formset, obj, lambda o: self.record_delete(request, o))
        for obj in instances:
            self._inline_step(formset, obj, lambda o: self.record_save(request, o))
        formset.save_m2m()

    def _inline_step(self, formset, obj, step):
        try:
            step(obj)
        except ValidationError as error:
            # Name the row, since the refusal is shown at the top of the page.
            raise ValidationError([f"{formset.model._meta.verbose_name.capitalize()} “{obj}”: {m}" for m in error.messages]) from error

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "_action_refusal", None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                attach_refusal(self, refusal)
                return cleaned

        return RefusedForm

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **self.step_context(request, object_id)}
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, PermissionDenied) as error:
            if request.method != "POST" or getattr(request, "_action_refusal", None) is not None:
                raise
            # The save was rolled back; show the same form again with the reason next to it.
            request._action_refusal = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    # --- steps: buttons that run one action each ------------------------------------------
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/step/<str:name>/", self.admin_site.admin_view(self.step_view), name=f"{info[0]}_{info[1]}_step"),
            *super().get_urls(),
        ]

    def steps_for(self, request, obj):
        """The steps the process allows for `obj` now and the user's role may take."""
        return {
            name: step
            for name, step in self.steps.items()
            if (step.shown is None or step.shown(obj)) and (not step.permission or request.user.has_perm(step.permission))
        }

    def step_context(self, request, object_id):
        if not object_id or not self.steps:
            return {}
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return {}
        info = self.opts.app_label, self.opts.model_name
        return {
            "step_buttons": [
                (reverse(f"admin:{info[0]}_{info[1]}_step", args=[obj.pk, name]), step.label)
                for name, step in self.steps_for(request, obj).items()
            ]
        }

    def step_view(self, request, object_id, name):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or name not in self.steps:
            raise Http404("No such record or step.")
        step = self.steps_for(request, obj).get(name)
        if step is None:
            raise PermissionDenied("That step is not open to you for this record now.")
        form = step.form_class()(request.POST or None)
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        if request.method == "POST" and form.is_valid():
            try:
                step.run(request, obj, form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                attach_refusal(form, error)
            else:
                self.message_user(request, f"{obj}: {step.label.lower()} – done.", messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": step.label,
            "explain": step.explanation(obj),
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, self.step_template, context)
