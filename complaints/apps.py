from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Children's social care complaints"

    def ready(self):
        from committee import printing
        from complaints import checks  # noqa: F401  (registers the complaints record checks)

        printing.register_builder("complaints-report", "complaints.pdf.build_report_pdf", version="complaints.pdf.report_version")
