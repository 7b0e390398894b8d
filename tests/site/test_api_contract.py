"""The API keeps to its published schema: every schema name is one model, and a bounded
Schemathesis run over every operation meets no server error and no answer that departs from
the schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from ninja import Schema
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from acupoint.accounts.actions import do_issue_token
from acupoint.site.api import api

pytestmark = pytest.mark.django_db


def _schemas(base: type) -> list[type]:
    found = []
    for child in base.__subclasses__():
        if child.__module__.startswith("acupoint."):
            found.append(child)
        found.extend(_schemas(child))
    return found


def test_every_schema_name_is_one_model():
    api.get_openapi_schema()  # imports every router's schemas
    names: dict[str, list[str]] = {}
    for schema in _schemas(Schema):
        names.setdefault(schema.__name__, []).append(schema.__module__)
    assert {name: modules for name, modules in names.items() if len(modules) > 1} == {}


def _contract():
    """The API's published schema, called in process through the site's WSGI application."""
    from django.core.wsgi import get_wsgi_application

    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = get_wsgi_application()
    return schema


contract = _contract()


@pytest.fixture
def one_connection():
    """Calls go straight to the WSGI handler, which closes the database connection at each
    request's start and end (as it should between real requests); inside a test's
    transaction that would close the test's own connection, so the handler keeps it, as
    Django's test client does."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@contract.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_to_the_schema(case, users, one_connection):
    token = do_issue_token(None, users["analyst"], "contract")
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                           checks=[not_a_server_error, response_schema_conformance])
