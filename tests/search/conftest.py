"""Fixtures of the search tests."""

import pytest


@pytest.fixture
def api(client_for, alias):
    """``api(expect=200, **params)``: ``GET /api/search`` on the test module's ``alias``, its status
    checked, its JSON returned."""
    client = client_for(alias)

    def get(expect: int = 200, **params):
        response = client.get("/api/search", query_string=params)
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    return get
