from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Children's social care complaints"
