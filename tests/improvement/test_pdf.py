"""The printable plan lays out each priority like the council's table and keeps the RAG as words, not colour alone."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from improvement.models import Rag
from improvement.pdf import render_plan_pdf
from tests.improvement.factories import ActionFactory, OutcomeFactory, PlanFactory, PriorityFactory, update
from tests.pdfs import body, get_pdf

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_plan_pdf_has_the_six_columns_and_each_actions_rag_in_words(client):
    # given a plan with one rated and one unrated action
    plan = PlanFactory(name="Children's Services Improvement Plan", slug="pdf-plan")
    outcome = OutcomeFactory(
        priority=PriorityFactory(plan=plan, number=1, label="Priority 1", title="Identify and effective support children"), number="1.2"
    )
    rated = ActionFactory(outcome=outcome, letter="c", text="Deliver neglect training", accountable="PSW", timescale="November 2025")
    ActionFactory(outcome=outcome, letter="d", text="Refresh the audit tool", accountable="Head of Family Safeguarding")
    update(rated, datetime.date(2026, 1, 7), Rag.AMBER, "67% of staff have completed their training")
    # when the PDF is downloaded
    response = get_pdf(client, reverse("improvement:plan_pdf", args=[plan.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(body(response))
    # then it reads like the council's table
    for expected in [
        "Children's Services Improvement Plan",
        "Priority 1: Identify and effective support children",
        "Desired outcome",
        "Accountable Officer",
        "Timescales",
        "Impact RAG",
        "1.2",
        "c) Deliver neglect training",
        "November 2025",
        "67% of staff have completed their training",
        "Amber",
        "Not rated",
        "Action completed/achieves consistently improved outcomes",
    ]:
        assert expected in text, expected


def test_demo_plan_prints_every_priority(improvement_demo):
    from improvement.models import ImprovementPlan

    text = pdf_text(render_plan_pdf(plan=ImprovementPlan.objects.get(slug="childrens-services-improvement-plan")))
    for number in range(1, 8):
        assert f"Priority {number}:" in text
    assert "IMPROVE THE QUALITY OF PRACTICE" in text
    assert "CREATE THE CONDITIONS FOR GOOD PRACTICE" in text
