from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "acupoint.projects"
    label = "projects"
