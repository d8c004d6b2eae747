from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Children's social care complaints"

    def ready(self):
        from committee import printing

        printing.register_builder("complaints-report", "complaints.pdf.build_report_pdf")
