from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = "Improvement plans and KPIs"

    def ready(self):
        from importlib import import_module

        from committee import keep, printing

        printing.track_changes("improvement")
        keep.track_changes("improvement")  # kept pages (committee/keep.py): the versions of what each write touches
        keep.register(import_module("improvement.kept").PAGES)
        printing.register_builder("improvement-plan", "improvement.pdf.build_plan_pdf", version="improvement.pdf.plan_print_version")
