from django.apps import AppConfig


class CocreationConfig(AppConfig):
    name = "acupoint.cocreation"
    label = "cocreation"
