from django.apps import AppConfig


class CultivationConfig(AppConfig):
    name = "acupoint.cultivation"
    label = "cultivation"
