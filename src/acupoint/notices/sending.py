"""Sending notices from inside the actions that cause them (in the same transaction, so a
decision that rolls back sends nothing), and e-mailing them once committed where the site has
a mail server."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from acupoint.accounts.roles import Role
from acupoint.notices.models import Notice

logger = logging.getLogger(__name__)


@dataclass
class Message:
    kind: str
    url: str
    params: dict = field(default_factory=dict)
    key: str = ""


def send(recipients: Iterable, message: Message) -> int:
    """One notice to each recipient (users or their ids); a key already sent to a user is not
    sent again. How many notices were new."""
    return send_each((recipient, message) for recipient in recipients)


def send_each(pairs: Iterable[tuple[object, Message]]) -> int:
    """Notices that differ by recipient (each firm's own count of new matches)."""
    now = timezone.now()
    notices = [Notice(user_id=getattr(user, "pk", user), kind=message.kind, url=message.url,
                      params=message.params, key=message.key, created_at=now)
               for user, message in pairs]
    keys = {notice.key for notice in notices if notice.key}
    if keys:
        sent = set(Notice.objects.filter(
            key__in=keys, user_id__in={notice.user_id for notice in notices})
            .values_list("user_id", "key"))
        notices = [notice for notice in notices if (notice.user_id, notice.key) not in sent]
    if not notices:
        return 0
    # A notice sent at the same moment by another process is dropped by the constraint.
    Notice.objects.bulk_create(notices, ignore_conflicts=True, batch_size=2000)
    if settings.ACUPOINT_NOTICE_EMAIL:
        readers = {notice.user_id for notice in notices}
        transaction.on_commit(lambda: _mail(readers, now))
    return len(notices)


def enterprise_users(enterprise_ids: Iterable[int]) -> QuerySet:
    return get_user_model().objects.filter(is_active=True, role=Role.ENTERPRISE_USER,
                                           enterprise_id__in=list(enterprise_ids))


def bureau_users() -> QuerySet:
    return get_user_model().objects.filter(
        is_active=True, role__in=[Role.BUREAU_ADMIN, Role.BUREAU_ANALYST])


def district_officers(district_ids: Iterable[int]) -> QuerySet:
    return get_user_model().objects.filter(is_active=True, role=Role.DISTRICT_OFFICER,
                                           district_id__in=list(district_ids))


def cluster_managers(cluster_ids: Iterable[int]) -> QuerySet:
    return get_user_model().objects.filter(is_active=True, role=Role.CLUSTER_MANAGER,
                                           cluster_id__in=list(cluster_ids))


def _mail(readers: set[int], since: dt.datetime) -> None:
    """Each notice written since `since` and not yet mailed, to its reader's address, in the
    site's language; a mail server that fails loses no notice (the box holds it) and is
    logged."""
    from acupoint.notices.sentences import sentence

    addresses = dict(get_user_model().objects.filter(pk__in=readers).exclude(email="")
                     .values_list("pk", "email"))
    site = settings.ACUPOINT_SITE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        for notice in Notice.objects.filter(user_id__in=addresses, created_at__gte=since,
                                            mailed_at__isnull=True):
            try:
                send_mail(str(notice.get_kind_display()), f"{sentence(notice)}\n\n"
                          f"{site}{notice.url}", None, [addresses[notice.user_id]])
            except Exception:
                logger.exception("the notice %s could not be e-mailed to user %s", notice.pk,
                                 notice.user_id)
                continue
            Notice.objects.filter(pk=notice.pk).update(mailed_at=timezone.now())
