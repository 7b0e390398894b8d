from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "acupoint.site"
    label = "acupoint_site"
