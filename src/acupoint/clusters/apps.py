from django.apps import AppConfig


class ClustersConfig(AppConfig):
    name = "acupoint.clusters"
    label = "clusters"
