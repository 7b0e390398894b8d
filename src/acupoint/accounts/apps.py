from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "acupoint.accounts"
    label = "accounts"

    def ready(self) -> None:
        from acupoint.accounts import signals  # noqa: F401 - connects the audit receivers
