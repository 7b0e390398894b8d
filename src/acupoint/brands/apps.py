from django.apps import AppConfig


class BrandsConfig(AppConfig):
    name = "acupoint.brands"
    label = "brands"
