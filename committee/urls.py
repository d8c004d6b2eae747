from django.urls import path

from committee import views

app_name = "committee"
urlpatterns = [
    path("", views.CommitteeListView.as_view(), name="list"),
]
