"""Officers keep plans up to date in the admin: the quick progress update, outlines entered inline, snapshots on save."""

import datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from improvement.models import ImprovementAction, ImprovementPlan, PlanPresentation, ProgressUpdate, Rag
from tests.factories import AgendaItemFactory, MeetingFactory
from tests.improvement.factories import ActionFactory, OutcomeFactory, PlanFactory, PriorityFactory, update

pytestmark = pytest.mark.django_db


def change_form_data(client, url):
    """The admin change form at `url` as POST data: its current values and every inline's management form."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(field, forms.ModelMultipleChoiceField):
            data[form.add_prefix(name)] = [getattr(v, "pk", v) for v in value or []]
            continue
        if value is None:
            value = ""
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        if hasattr(value, "pk"):
            value = value.pk
        data[form.add_prefix(name)] = value
    prefixes = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        prefixes[type(inline.opts).__name__] = formset.prefix
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.management_form.initial["INITIAL_FORMS"]
        for i, inline_form in enumerate(formset.initial_forms):
            data[f"{formset.prefix}-{i}-id"] = inline_form.instance.pk
            data[f"{formset.prefix}-{i}-action"] = inline_form.instance.action_id
    return data, prefixes


def test_officer_adds_a_progress_update_from_the_actions_page(client, officer):
    # given an action already rated Amber, and an officer on its admin page
    action = ActionFactory(timescale="November 2025")
    update(action, datetime.date(2025, 11, 5), Rag.AMBER, "Training programme in place.")
    client.force_login(officer)
    url = reverse("admin:improvement_improvementaction_change", args=[action.pk])
    data, prefixes = change_form_data(client, url)
    new = prefixes["AddProgressUpdateInline"]
    # the quick form starts from the current rating
    assert client.get(url).context["inline_admin_formsets"][0].formset.forms[0]["rag"].initial == Rag.AMBER
    # when they add today's progress and a Green rating
    data.update(
        {
            f"{new}-TOTAL_FORMS": "1",
            f"{new}-0-date": timezone.localdate().strftime("%d/%m/%Y"),
            f"{new}-0-rag": Rag.GREEN,
            f"{new}-0-narrative": "67% of staff have completed their training.",
            f"{new}-0-source": "",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    # then a second update exists (the first is untouched), it is the current rating, and it names the officer
    action.refresh_from_db()
    assert list(action.updates.order_by("date").values_list("rag", flat=True)) == [Rag.AMBER, Rag.GREEN]
    assert action.current_rag == Rag.GREEN
    assert action.latest_update.author == officer


def test_a_colour_off_the_plans_key_is_refused_next_to_the_field(client, officer):
    plan = PlanFactory()
    plan.rag_scale.filter(code=Rag.GREY).delete()
    action = ActionFactory(outcome=OutcomeFactory(priority=PriorityFactory(plan=plan)))
    client.force_login(officer)
    url = reverse("admin:improvement_improvementaction_change", args=[action.pk])
    data, prefixes = change_form_data(client, url)
    new = prefixes["AddProgressUpdateInline"]
    data.update({f"{new}-TOTAL_FORMS": "1", f"{new}-0-date": "01/01/2026", f"{new}-0-rag": Rag.GREY, f"{new}-0-narrative": "x"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Grey is not on this plan" in response.content.decode()
    assert not action.updates.exists()


def test_officer_enters_actions_inline_under_an_outcome(client, officer):
    outcome = OutcomeFactory(number="6.1")
    client.force_login(officer)
    url = reverse("admin:improvement_outcome_change", args=[outcome.pk])
    data, prefixes = change_form_data(client, url)
    p = prefixes["ImprovementActionInline"]
    data.update(
        {
            f"{p}-TOTAL_FORMS": "1",
            f"{p}-0-letter": "a",
            f"{p}-0-text": "Increase the proportion of permanent staff within the workforce (aim for 10% true vacancy rate)",
            f"{p}-0-accountable": "Director of CSC & EH",
            f"{p}-0-timescale": "July 2026",
            f"{p}-0-due_by": "",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    action = ImprovementAction.objects.get(outcome=outcome)
    assert (action.reference, action.due_by, action.plan_id) == ("6.1a", datetime.date(2026, 7, 31), outcome.priority.plan_id)


def test_a_new_plan_gets_the_councils_rag_key(client, officer):
    client.force_login(officer)
    data, _ = change_form_data(client, reverse("admin:improvement_improvementplan_add"))
    data.update({"name": "Youth Justice Plan", "slug": "youth-justice-plan", "status": "active"})
    response = client.post(reverse("admin:improvement_improvementplan_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    plan = ImprovementPlan.objects.get(slug="youth-justice-plan")
    assert list(plan.rag_scale.values_list("code", flat=True)) == ["blue", "green", "amber", "red", "grey"]


def test_putting_a_plan_on_an_agenda_item_in_the_admin_takes_a_snapshot(client, clerk):
    action = ActionFactory()
    update(action, datetime.date(2026, 1, 5), Rag.AMBER, "As at the meeting.")
    item = AgendaItemFactory(meeting=MeetingFactory(date=datetime.date(2026, 1, 7)))
    item.meeting.committee.supporting_officers.add(clerk)  # agenda items offered are of committees the clerk supports
    client.force_login(clerk)
    response = client.post(
        reverse("admin:improvement_planpresentation_add"),
        {"plan": action.plan_id, "agenda_item": item.pk, "as_at": "07/01/2026", "note": ""},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    presentation = PlanPresentation.objects.get(plan=action.plan, agenda_item=item)
    assert presentation.snapshot["totals"] == {"amber": 1}
    assert presentation.taken_by == clerk


def test_councillors_may_read_but_not_change_plans_in_the_admin(client, councillor):
    action = ActionFactory()
    client.force_login(councillor)
    assert client.get(reverse("admin:improvement_improvementaction_change", args=[action.pk])).status_code in (200, 302, 403)
    response = client.post(reverse("admin:improvement_progressupdate_add"), {"action": action.pk, "date": "01/01/2026", "rag": "green"})
    assert response.status_code in (302, 403)
    assert not ProgressUpdate.objects.exists()


def test_roles_carry_this_apps_permissions(db):
    from django.contrib.auth.models import Group

    perms = {
        g.name: set(g.permissions.filter(content_type__app_label="improvement").values_list("codename", flat=True))
        for g in Group.objects.all()
    }
    assert "add_progressupdate" in perms["Officer"]
    assert "delete_progressupdate" not in perms["Officer"]
    assert "delete_progressupdate" in perms["Clerk"]
    assert perms["Councillor"] == {c for c in perms["Clerk"] if c.startswith("view_")}
