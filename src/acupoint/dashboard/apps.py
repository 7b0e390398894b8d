from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "acupoint.dashboard"
    label = "dashboard"
