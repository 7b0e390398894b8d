from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "acupoint.policies"
    label = "policies"
