from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "improvement"
    verbose_name = "Improvement plans and KPIs"
