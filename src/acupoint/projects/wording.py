"""How the engine's stage warnings read in the user's language, for the pages and the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from acupoint.engine.process import StageWarning

WARNING_TEXTS = {
    "unknown_stage": gettext_lazy("unknown stage %(stage)s"),
    "not_working_day": gettext_lazy("%(stage)s is dated %(day)s, which is not a working day"),
    "out_of_order": gettext_lazy("%(stage)s (%(day)s) is dated before %(earlier)s "
                                 "(%(earlier_day)s)"),
    "missing": gettext_lazy("%(stage)s is missing before %(later)s"),
}


def warning_text(warning: StageWarning) -> str:
    return str(WARNING_TEXTS[warning.kind]) % warning.params
