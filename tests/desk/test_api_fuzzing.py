"""Schemathesis generates requests from our OpenAPI schema, valid and not: none may get a 500,
and every answer must match the schema it documents. Bounded: a few dozen examples per
operation, so the run takes seconds."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from desk.config.wsgi import application


@pytest.fixture
def test_transaction_survives_requests() -> Iterator[None]:
    # Schemathesis calls the WSGI app directly; like Django's test client, keep Django from
    # closing the connection (and with it the test's transaction) at the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# Generating the schema touches no database, so it loads when the module is collected.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_never_get_a_server_error(
    case: Any, api: Any, test_transaction_survives_requests: None
) -> None:
    # One client for all examples (the fixture runs once per test, not per example).
    response = case.call(headers={"Authorization": api.defaults["HTTP_AUTHORIZATION"]})
    case.validate_response(
        response,
        checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
    )
