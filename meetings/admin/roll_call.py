"""Roll-call attendance: every member of the committee on the meeting's date, one click each (issue 15).

Everyone is listed as present to start with, so a clerk changes only those who were not (apologies, absent, who
substituted for them) and picks anyone else who attended by typing their name. One save records the lot through
meetings.services.meeting_roll_call.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from committee.admin_base import attach_refusal
from committee.models import Person
from meetings import services
from meetings.models import Attendance

MARKS = [
    (Attendance.Role.PRESENT, "Present"),
    (Attendance.Role.CHAIR, "In the chair"),
    (Attendance.Role.APOLOGIES, "Apologies"),
    (Attendance.Role.ABSENT, "Absent"),
]


class RollCallForm(forms.Form):
    """One row per seat (mark, and who substituted), then everyone else present."""

    def __init__(self, *args, meeting, seats, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting, self.seats = meeting, seats
        # Those present only in a capacity (no person record) are not called and the roll call leaves them as they are.
        existing = {a.person_id: a for a in meeting.attendances.filter(person__isnull=False).select_related("person")}
        substitute_of = {
            a.capacity.removeprefix("Substitute for ").strip(): a.person for a in existing.values() if a.role == Attendance.Role.SUBSTITUTE
        }
        person_field = Attendance._meta.get_field("person")
        for seat in seats:
            person = seat.person
            recorded = existing.get(person.pk)
            self.fields[f"mark_{person.pk}"] = forms.ChoiceField(
                label=person.display_name,
                choices=MARKS,
                initial=recorded.role if recorded and recorded.role in dict(MARKS) else Attendance.Role.PRESENT,
                widget=forms.RadioSelect(attrs={"class": "roll-call-marks"}),
            )
            self.fields[f"sub_{person.pk}"] = forms.ModelChoiceField(
                label=f"Substituted by (for {person.display_name})",
                queryset=Person.objects.councillors(),
                required=False,
                initial=substitute_of.get(str(person)),
                widget=AutocompleteSelect(person_field, admin_site),
            )
        members = {seat.person_id for seat in seats}
        self.listed_others = [a for a in existing.values() if a.person_id not in members and a.role != Attendance.Role.SUBSTITUTE]
        self.fields["others"] = forms.ModelMultipleChoiceField(
            label="Also in attendance (officers, partners, other councillors)",
            queryset=Person.objects.all(),
            required=False,
            widget=AutocompleteSelectMultiple(person_field, admin_site),
        )
        self.fields["remove"] = forms.ModelMultipleChoiceField(
            label="Take off the list",
            queryset=Person.objects.filter(pk__in=[a.person_id for a in self.listed_others]),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    def rows(self):
        """(seat, mark field, substitute field) for the template."""
        return [(seat, self[f"mark_{seat.person_id}"], self[f"sub_{seat.person_id}"]) for seat in self.seats]

    def marks(self):
        return {seat.person: self.cleaned_data[f"mark_{seat.person_id}"] for seat in self.seats}

    def substitutes(self):
        found = {seat.person: self.cleaned_data.get(f"sub_{seat.person_id}") for seat in self.seats}
        return {member: substitute for member, substitute in found.items() if substitute}


class RollCallMixin:
    """Adds the roll-call page to the meeting admin (its button sits with the other steps at the top of the page)."""

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/roll-call/", self.admin_site.admin_view(self.roll_call_view), name=f"{info[0]}_{info[1]}_roll_call"),
            *super().get_urls(),
        ]

    def step_context(self, request, object_id):
        context = super().step_context(request, object_id)
        if object_id and request.user.has_perm("meetings.add_attendance"):
            url = reverse("admin:meetings_meeting_roll_call", args=[unquote(object_id)])
            context["step_buttons"] = [(url, "Take the roll call"), *context.get("step_buttons", [])]
        return context

    def roll_call_view(self, request, object_id):
        meeting = self.get_object(request, unquote(object_id))
        if meeting is None:
            raise Http404("No such meeting.")
        if not request.user.has_perm("meetings.add_attendance"):
            raise PermissionDenied
        seats = list(services.roll_call_members(meeting))
        form = RollCallForm(request.POST or None, meeting=meeting, seats=seats, admin_site=self.admin_site)
        change_url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
        if request.method == "POST" and form.is_valid():
            try:
                services.meeting_roll_call(
                    meeting=meeting,
                    by=request.user,
                    marks=form.marks(),
                    substitutes=form.substitutes(),
                    others=form.cleaned_data["others"],
                    remove=form.cleaned_data["remove"],
                )
            except (ValidationError, PermissionDenied) as error:
                attach_refusal(form, error)
            else:
                self.message_user(request, f"{meeting}: attendance recorded.", messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": meeting,
            "title": "Roll call",
            "form": form,
            "change_url": change_url,
            "media": self.media + form.media,
            "no_seats": not seats,
        }
        return TemplateResponse(request, "admin/meetings/meeting/roll_call.html", context)
