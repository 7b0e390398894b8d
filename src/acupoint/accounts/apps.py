from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "acupoint.accounts"
    label = "accounts"
