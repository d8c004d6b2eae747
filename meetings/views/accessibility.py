"""The accessibility statement, in the shape of the GOV.UK model statement, with what is not accessible from live data.

Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018, regulation 8: the
statement must explain what is not accessible and why, and how to ask for an accessible alternative or complain.
"""

from django.conf import settings
from django.urls import path
from django.views.generic import TemplateView

from committee.models import Committee
from meetings.models import Document
from meetings.pdf import REGULATIONS


class AccessibilityStatementView(TemplateView):
    template_name = "meetings/accessibility.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        papers = list(
            Document.objects.visible_to(self.request.user)
            .not_accessible()
            .select_related("agenda_item__meeting__committee")
            .order_by("-agenda_item__meeting__date", "agenda_item__meeting__committee__name", "agenda_item__number", "order", "pk")
        )
        context["untagged"] = [
            paper for paper in papers if paper.file and paper.upload_accessibility != Document.UploadAccessibility.TAGGED
        ]
        context["pictures_left_out"] = [paper for paper in papers if 'class="app-missing-picture"' in paper.body]
        context["committees"] = Committee.objects.exclude(contact_email="", contact_phone="").order_by("name")
        context["regulations"] = REGULATIONS
        context["prepared_on"] = settings.ACCESSIBILITY_STATEMENT_PREPARED_ON
        context["reviewed_on"] = settings.ACCESSIBILITY_STATEMENT_REVIEWED_ON
        return context


urlpatterns = [path("accessibility/", AccessibilityStatementView.as_view(), name="accessibility")]
