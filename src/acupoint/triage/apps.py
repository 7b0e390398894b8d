from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "acupoint.triage"
    label = "triage"
