from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = "Improvement plans and KPIs"

    def ready(self):
        from committee import printing

        printing.track_changes("improvement")
        printing.register_builder("improvement-plan", "improvement.pdf.build_plan_pdf")
