"""What a reader does with their notices: open one (it is read) or mark them all read."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from acupoint.accounts.audit import record
from acupoint.notices.models import Notice


@transaction.atomic
def do_open_notice(user, notice: Notice) -> Notice:
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(
            read_at=timezone.now())
        record(user, "notices.read", notice)
    return notice


@transaction.atomic
def do_mark_all_read(user) -> int:
    count = Notice.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now())
    if count:
        record(user, "notices.read_all", user, after={"notices": count})
    return count
