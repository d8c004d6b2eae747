from django.urls import path

from improvement import views

app_name = "improvement"
urlpatterns = [
    path("", views.ImprovementHomeView.as_view(), name="home"),
    path("plans/<slug:slug>/", views.PlanDetailView.as_view(), name="plan"),
    path("plans/<slug:slug>/actions/", views.PlanActionListView.as_view(), name="plan_actions"),
    path("plans/<slug:slug>/priorities/<int:number>/", views.PriorityDetailView.as_view(), name="priority"),
    path("plans/<slug:slug>/since/<int:meeting_id>/", views.PlanSinceView.as_view(), name="since"),
    path("plans/<slug:slug>/pdf/", views.PlanPDFView.as_view(), name="plan_pdf"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="action"),
    path("presentations/<int:pk>/", views.PresentationDetailView.as_view(), name="presentation"),
    path("inspections/", views.InspectionListView.as_view(), name="inspections"),
    path("inspections/<slug:slug>/", views.InspectionDetailView.as_view(), name="inspection"),
    path("measures/", views.MeasureListView.as_view(), name="measures"),
    path("measures/<slug:slug>/", views.MeasureDetailView.as_view(), name="measure"),
    path("measures/<slug:slug>/csv/", views.MeasureCSVView.as_view(), name="measure_csv"),
]
