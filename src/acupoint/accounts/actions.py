"""State changes of accounts; each runs in one transaction and leaves an audit entry."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
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
        validate_password(password, user)
        user.set_password(password)
        user.full_clean()
        user.save()
        record(acting_user, "accounts.create_user", user, after=snapshot(user, _PUBLIC_FIELDS))
    return user


def do_set_password(acting_user, user: User, password: str) -> None:
    if acting_user is not None and acting_user != user and not scoping.may_administer(
            acting_user):
        raise PermissionDenied(_("You may change only your own password."))
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(acting_user or user, "accounts.set_password", user,
               after={"api_tokens_ended": ApiToken.objects.filter(
                   user=user, revoked=False).count()})


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


def do_revoke_token(acting_user, token: ApiToken) -> ApiToken:
    """End a token at once; its owner (or an administrator) may."""
    if acting_user != token.user and not scoping.may_administer(acting_user):
        raise PermissionDenied(_("You may revoke only your own tokens."))
    if token.revoked:
        raise ValidationError(_("This token is already revoked."))
    with transaction.atomic():
        token.revoked = True
        token.save(update_fields=["revoked"])
        record(acting_user, "accounts.revoke_token", token,
               after={"user": token.user.username, "prefix": token.prefix})
    return token


def record_failed_sign_in(username: str, address: str | None) -> None:
    """A failed sign-in, for the audit log: the name tried and where from (never the
    password)."""
    _sign_in_event("accounts.sign_in_failed", username, address)


def record_locked_out(username: str, address: str | None) -> None:
    """Sign-in locked after too many failures, for the account or the address."""
    _sign_in_event("accounts.locked_out", username, address)


def _sign_in_event(action: str, username: str, address: str | None) -> None:
    user = User.objects.filter(username=username).first()
    record(None, action, user, object_type="accounts.User",
           after={"username": username[:150], "address": address or ""})
