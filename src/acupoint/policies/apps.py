from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "acupoint.policies"
    label = "policies"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from acupoint.policies.triggers import rematch_after_import

        post_save.connect(rematch_after_import, sender="registry.ImportBatch",
                          dispatch_uid="policies-rematch-after-import")
