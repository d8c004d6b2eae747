from django.views.generic import ListView

from committee.models import Committee


class CommitteeListView(ListView):
    template_name = "committee/committee_list.html"
    context_object_name = "committees"

    def get_queryset(self):
        return Committee.objects.order_by("-is_active", "name")
