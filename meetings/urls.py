from django.urls import path

from meetings.views import core as views
from meetings.views import feeds, followthrough, packs

app_name = "meetings"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("meetings/", views.MeetingListView.as_view(), name="list"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="detail"),
    path("documents/<int:pk>/", views.DocumentDetailView.as_view(), name="document"),
    path("committees/<slug:slug>/", views.CommitteeDetailView.as_view(), name="committee"),
    path("committees/<slug:slug>/work-programme/", views.WorkProgrammeView.as_view(), name="work_programme"),
    path("committees/<slug:slug>/attendance/", views.CommitteeAttendanceView.as_view(), name="committee_attendance"),
    path("people/", views.PersonListView.as_view(), name="people"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person"),
    path("decisions/", views.ResolutionListView.as_view(), name="decisions"),
    path("actions/", views.ActionListView.as_view(), name="actions"),
    path("questions/", views.QuestionListView.as_view(), name="questions"),
]

# Each subject keeps its own URL list beside its views.
urlpatterns += getattr(packs, "urlpatterns", []) + followthrough.urlpatterns + feeds.urlpatterns
