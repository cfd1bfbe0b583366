"""The JSON API against its own OpenAPI description, fuzzed by schemathesis on a live server."""

from __future__ import annotations

import json
import urllib.request

import schemathesis
from hypothesis import HealthCheck, given, settings

from portal.web.openapi import description


def test_api_conforms_and_never_fails(live_server: str) -> None:
    """Every documented operation, with generated parameters: no 5xx, documented
    status codes and content types, and bodies that match the description."""
    schema = schemathesis.openapi.from_url(f"{live_server}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(description()["paths"])
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate()

        check()


def test_the_description_is_served(live_server: str) -> None:
    with urllib.request.urlopen(f"{live_server}/api/openapi.json", timeout=5) as response:  # noqa: S310
        assert json.load(response) == json.loads(json.dumps(description()))
