"""The REST API (OpenAPI at /api/docs): bearer tokens or the browser session, scoped by role."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from acupoint import __version__
from acupoint.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class Anonymous:
    """Lets public endpoints answer callers without credentials (they see public rows only)."""

    def __call__(self, request: HttpRequest):
        return True


api = NinjaAPI(title="Acupoint API", version=__version__, urls_namespace="api",
               auth=[TokenAuth(), django_auth])
api.add_router("/", "acupoint.registry.api.router")
api.add_router("/policy", "acupoint.policies.api.router")
api.add_router("/projects", "acupoint.projects.api.router")
api.add_router("/cultivation", "acupoint.cultivation.api.router")
