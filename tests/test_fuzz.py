"""Fuzz the JSON API from its own OpenAPI document with schemathesis: generated requests on every
endpoint, against the real node. No 5xx, and every response matches the documented schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from service import create_app
from service.config import Settings

pytestmark = pytest.mark.es

# Generated requests per operation (health takes no parameters: one request is all there is).
EXAMPLES = {
    "GET /api/search": 500,
    "GET /api/articles/{article_id}": 250,
    "GET /api/suggest": 300,
    "GET /api/facets/{facet_type}": 200,
    "GET /api/health": 10,
}
MIN_REQUESTS = 1000
# Each operation is fuzzed once per session, by whichever test asks first: the statuses it got,
# so that the count below holds whatever order (or selection) the tests run in.
FUZZED: dict[str, list[int]] = {}


@pytest.fixture(scope="module")
def fuzz_alias(fixtures_alias):
    return fixtures_alias


@pytest.fixture(scope="module")
def api_schema(es_url, fuzz_alias):
    app = create_app(Settings(es_url=es_url, es_index=fuzz_alias, es_request_timeout=10))
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


# Every response check. Not "schema-valid requests are accepted": two rules span parameters and
# cannot be written in OpenAPI (page × size within the result window, 'from' not after 'to'), so a
# schema-valid request can rightly get a 400.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
OPERATIONS = list(EXAMPLES)  # /api/openapi.json takes no input and schemathesis does not fuzz it


def operations(schema) -> dict:
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[f"{operation.method.upper()} {operation.path}"] = operation
    return found


def test_the_fuzzed_operations_are_all_of_the_api(api_schema):
    assert sorted(operations(api_schema)) == sorted(OPERATIONS)


def fuzz(api_schema, label: str) -> list[int]:
    """Send the operation's generated requests (once); every answer checked; their statuses."""
    if label in FUZZED:
        return FUZZED[label]
    operation = operations(api_schema)[label]
    calls: list[int] = []

    @settings(
        max_examples=EXAMPLES[label],
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=operation.as_strategy())
    def check(case):
        response = case.call()
        calls.append(response.status_code)
        assert response.status_code < 500, (case.path, case.query, response.text[:500])
        case.validate_response(response, checks=CHECKS)

    check()
    FUZZED[label] = calls
    return calls


@pytest.mark.parametrize("label", OPERATIONS)
def test_api_never_fails_and_keeps_its_schema(api_schema, label):
    assert fuzz(api_schema, label)  # the strategy produced requests


def test_at_least_a_thousand_requests_were_sent(api_schema):
    sent = [code for label in OPERATIONS for code in fuzz(api_schema, label)]
    assert len(sent) >= MIN_REQUESTS, len(sent)
    assert any(code == 400 for code in sent) and any(code == 200 for code in sent)
