"""Follow-through pages: what was promised, whether it came, and who owes what."""

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views import View
from django.views.generic import TemplateView

from committee.dates import municipal_year
from committee.models import Committee
from meetings.csv_export import CSVExportMixin
from meetings.filters_followthrough import RecommendationFilter
from meetings.models import Action, Question, Recommendation, Subscription
from meetings.models.core import commitment_record_aggregates
from meetings.views.core import FilteredListView


class FollowThroughView(CSVExportMixin, TemplateView):
    template_name = "meetings/follow_through.html"
    csv_tables = ["by_year", "by_owner"]

    def get_queryset(self):
        """Every commitment of the committee the user may read: what `?format=csv` downloads (the tables: `&table=`)."""
        committee = get_object_or_404(Committee, slug=self.kwargs["slug"])
        commitments = Action.objects.visible_to(self.request.user).filter(committee=committee)
        return commitments.with_context().with_is_overdue().order_by("-minute_item__meeting__date", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        committee = get_object_or_404(Committee, slug=self.kwargs["slug"])
        user = self.request.user
        today = datetime.date.today()
        commitments = Action.objects.visible_to(user).filter(committee=committee)
        listed = (
            commitments.with_context().with_is_overdue(today).select_related("due_meeting", "provided_by_item", "provided_by_item__meeting")
        )
        counts = commitment_record_aggregates(today)
        context.update(
            committee=committee,
            today=today,
            overdue=listed.overdue(today).order_by("due_date")[:50],
            due=listed.open().filter(due_date__gte=today).order_by("due_date")[:50],
            no_date=listed.open().filter(due_date__isnull=True).order_by("minute_item__meeting__date")[:50],
            not_provided=listed.filter(flagged_at__isnull=False).not_provided().order_by("due_date")[:50],
            provided=listed.done().order_by("-completed_date")[:20],
            by_year=[
                {**row, "label": municipal_year(datetime.date(row["year_start"], 6, 1))}
                for row in commitments.with_municipal_year().values("year_start").annotate(**counts).order_by("-year_start")
            ],
            by_owner=commitments.values("owner__slug", "owner__name", "owner__honorific", "owner_text")
            .annotate(**counts)
            .order_by("-overdue", "-outstanding", "owner__name", "owner_text"),
            questions=Question.objects.visible_to(user)
            .filter(committee=committee)
            .awaiting_written_response()
            .select_related("meeting", "refers_to_meeting", "minute_item__meeting")
            .order_by("meeting__date")[:50],
            recommendations=Recommendation.objects.visible_to(user).filter(committee=committee).awaiting_response().with_context()[:20],
            subscribed=user.is_authenticated and Subscription.objects.filter(user=user, committee=committee).exists(),
        )
        return context


class RecommendationListView(CSVExportMixin, FilteredListView):
    template_name = "meetings/recommendation_list.html"
    filterset_class = RecommendationFilter
    context_object_name = "recommendations"

    def base_queryset(self):
        return Recommendation.objects.visible_to(self.request.user).with_context().order_by("-minute_item__meeting__date", "pk")


class SubscribeView(LoginRequiredMixin, View):
    """Subscribe to (or stop) e-mails when a committee publishes an agenda pack or minutes."""

    def post(self, request, slug):
        committee = get_object_or_404(Committee, slug=slug)
        subscription = Subscription.objects.filter(user=request.user, committee=committee)
        if subscription.exists():
            subscription.delete()
            messages.success(request, f"You will no longer get e-mails about the {committee.name}.")
        else:
            Subscription.objects.create(user=request.user, committee=committee)
            messages.success(request, f"You will get an e-mail when the {committee.name} publishes an agenda pack or minutes.")
        return redirect("meetings:follow_through", slug=committee.slug)

    def get(self, request, slug):
        return redirect("meetings:follow_through", slug=slug)


urlpatterns = [
    path("committees/<slug:slug>/follow-through/", FollowThroughView.as_view(), name="follow_through"),
    path("committees/<slug:slug>/subscribe/", SubscribeView.as_view(), name="subscribe"),
    path("recommendations/", RecommendationListView.as_view(), name="recommendations"),
]
