"""Fixtures for the prospects tests: companies with an admin and a member, logged in."""

import pytest

API = "/api/v1/prospects"


@pytest.fixture
def tenant(factory):
    """A company with an admin and a member, both logged in."""
    return factory.company(members=1)


@pytest.fixture
def other(factory):
    """A second company: its prospects must never show through to `tenant`."""
    return factory.company(members=1)


@pytest.fixture
def create(client):
    """POST a prospect and return the answer's JSON (asserting 201)."""

    def _create(headers, expect=201, **body):
        body.setdefault("name", "Ada Prospect")
        response = client.post(API, json=body, headers=headers)
        assert response.status_code == expect, response.get_json()
        return response.get_json()

    return _create
