"""Sign-in events written to the audit log: every failed attempt and every lockout."""

from __future__ import annotations

import logging

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from acupoint.accounts.actions import record_failed_sign_in, record_locked_out

logger = logging.getLogger(__name__)


@receiver(user_login_failed, dispatch_uid="acupoint-audit-failed-sign-in")
def audit_failed_sign_in(sender, credentials: dict, request=None, **kwargs) -> None:
    username = str(credentials.get("username") or "")
    address = get_client_ip_address(request) if request is not None else None
    logger.info("failed sign-in for %r from %s", username, address)
    record_failed_sign_in(username, address)


@receiver(user_locked_out, dispatch_uid="acupoint-audit-locked-out")
def audit_locked_out(sender, request=None, username: str = "", ip_address: str = "",
                     **kwargs) -> None:
    logger.warning("sign-in locked out for %r from %s", username, ip_address)
    record_locked_out(username or "", ip_address)
