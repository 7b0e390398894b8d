"""Background work of policy delivery: matching every enterprise after a publication takes
seconds to minutes, so it runs in the worker (`acupoint worker`), not in the request."""

from __future__ import annotations

from django_tasks import task

from acupoint.accounts.models import User
from acupoint.policies.actions import do_rematch
from acupoint.site.database import retried


@task()
def rematch_all(trigger: str, user_id: int | None = None) -> None:
    user = User.objects.filter(pk=user_id).first() if user_id else None
    retried(lambda: do_rematch(user, trigger))
