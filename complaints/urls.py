from django.urls import path, register_converter

from complaints import views
from complaints.years import FinancialYearConverter

register_converter(FinancialYearConverter, "financial_year")

app_name = "complaints"
urlpatterns = [
    path("", views.ReportIndexView.as_view(), name="index"),
    path("report/<financial_year:year>/", views.AnnualReportView.as_view(), name="report"),
    path("report/<financial_year:year>/<slug:table>.csv", views.AnnualReportCsvView.as_view(), name="report_csv"),
    path("report/<financial_year:year>.pdf", views.AnnualReportPdfView.as_view(), name="report_pdf"),
    path("work-list/", views.WorkListView.as_view(), name="work_list"),
]
