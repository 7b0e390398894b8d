from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "acupoint.registry"
    label = "registry"
