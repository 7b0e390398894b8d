from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "acupoint.policies"
    label = "policies"

    def ready(self) -> None:
        from acupoint.policies.triggers import rematch_after_import
        from acupoint.registry.signals import import_finished

        import_finished.connect(rematch_after_import, dispatch_uid="policies-rematch-after-import")
