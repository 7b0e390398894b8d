"""State changes of accounts; each runs in one transaction and leaves an audit entry."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from acupoint.accounts import scoping
from acupoint.accounts.audit import record, snapshot
from acupoint.accounts.models import ApiToken, User
from acupoint.accounts.roles import Role

_PUBLIC_FIELDS = ["username", "role", "district", "cluster", "enterprise", "organisation",
                  "participant_kind", "is_active", "is_staff"]


def do_create_user(acting_user, *, username: str, password: str, role: str,
                   district=None, cluster=None, enterprise=None, organisation: str = "",
                   participant_kind: str = "", email: str = "") -> User:
    """Create a user bound to one role and scope; `acting_user` None means the command line."""
    if acting_user is not None and not scoping.may_administer(acting_user):
        raise PermissionDenied(_("Only a bureau administrator may create users."))
    with transaction.atomic():
        user = User(username=username, email=email, role=role, district=district,
                    cluster=cluster, enterprise=enterprise, organisation=organisation,
                    participant_kind=participant_kind)
        user.is_staff = role == Role.BUREAU_ADMIN
        user.is_superuser = role == Role.BUREAU_ADMIN
        user.set_password(password)
        user.full_clean()
        user.save()
        record(acting_user, "accounts.create_user", user, after=snapshot(user, _PUBLIC_FIELDS))
    return user


def do_set_password(acting_user, user: User, password: str) -> None:
    if acting_user is not None and acting_user != user and not scoping.may_administer(
            acting_user):
        raise PermissionDenied(_("You may change only your own password."))
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(acting_user or user, "accounts.set_password", user)


def do_issue_token(acting_user, user: User, name: str) -> str:
    """Issue an API token and return it once; only its hash is kept."""
    if acting_user is not None and acting_user != user and not scoping.may_administer(
            acting_user):
        raise PermissionDenied(_("You may issue tokens only for yourself."))
    with transaction.atomic():
        token, raw = ApiToken.issue(user, name)
        record(acting_user or user, "accounts.issue_token", token,
               after={"user": user.username, "name": name, "prefix": token.prefix})
    return raw
